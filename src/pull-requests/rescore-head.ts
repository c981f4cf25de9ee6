import { modelDepsFor } from "../agents/deps.js";
import type { ModelDeps } from "../agents/model-call.js";
import { BudgetExceeded, ModelUnavailable, userMessage } from "../errors.js";
import { callGitHub } from "../github/call-github.js";
import type { GitHubClient } from "../github/client.js";
import { judgeDiff, postgresVerdictStore, type SafetyVerdict } from "../safety/index.js";
import type { Pool } from "../store/db.js";
import type { StoryRow } from "../store/stories.js";

/**
 * The safety gate on a head someone else pushed: the PR's whole diff
 * (`base...head`, as GitHub shows it on the PR) against the policy and the
 * scorer. There is no tool-call log for commits made outside WAVE. The verdict
 * is stored like gate 5's, so `wave/safety` follows it.
 */
export async function rescoreHead(
  octokit: GitHubClient,
  pool: Pool,
  env: NodeJS.ProcessEnv,
  story: StoryRow,
  where: { baseBranch: string; headSha: string },
): Promise<SafetyVerdict> {
  const res = await callGitHub(() =>
    octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
      owner: story.owner,
      repo: story.repo,
      basehead: `${where.baseBranch}...${where.headSha}`,
      mediaType: { format: "diff" },
    }),
  );
  const diff = typeof res.data === "string" ? res.data : String(res.data as unknown);
  // The scorer's calls are metered on the story's budget like every other model call; no key, no scorer (fail closed).
  let model: ModelDeps | null = null;
  try {
    model = modelDepsFor({ config: story.config, pool, storyId: story.id, repoId: story.repoId, env });
  } catch (error) {
    if (!(error instanceof ModelUnavailable)) throw error;
  }
  const plan = story.plan as { files_in_scope?: string[] } | null;
  const judge = (scorer: ModelDeps | null, noModelReason?: string) =>
    judgeDiff(
      { diff, toolCalls: [] },
      { storyId: story.id, ...(plan?.files_in_scope ? { filesInScope: plan.files_in_scope } : {}) },
      {
        config: story.config.safety,
        model: scorer,
        noModelReason,
        store: postgresVerdictStore(pool),
        domainPaths: story.story.domains.flatMap((d) => d.paths),
        workspaceRoot: "/workspace",
      },
    );
  try {
    return await judge(model);
  } catch (error) {
    // The scorer's call would overrun the story's budget, so it is not made: the head is judged without it (fail closed), saying why.
    if (error instanceof BudgetExceeded) return judge(null, `The scorer was not asked: ${userMessage(error)}`);
    throw error;
  }
}
