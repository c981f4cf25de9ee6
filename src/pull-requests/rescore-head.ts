import type Anthropic from "@anthropic-ai/sdk";
import { createAnthropicClient } from "../agents/anthropic-client.js";
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
  let anthropic: Anthropic | null = null;
  try {
    anthropic = createAnthropicClient(story.config.agents.api, env);
  } catch {
    // No key: whatever needs the scorer is blocked (fail closed).
  }
  const plan = story.plan as { files_in_scope?: string[] } | null;
  return judgeDiff(
    { diff, toolCalls: [] },
    { storyId: story.id, ...(plan?.files_in_scope ? { filesInScope: plan.files_in_scope } : {}) },
    {
      config: story.config.safety,
      anthropic,
      store: postgresVerdictStore(pool),
      domainPaths: story.story.domains.flatMap((d) => d.paths),
      workspaceRoot: "/workspace",
    },
  );
}
