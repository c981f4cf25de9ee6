import { z } from "zod";
import { BUDGET_CHECK_NAME } from "../checks/budget-check.js";
import { GATES_CHECK_NAME } from "../checks/gates-check.js";
import { addStoryEffects, applyEvent } from "../engine/apply-event.js";
import { jobLog, listAnnotations, listRuns, listSuites, type RunOnHead } from "../github/ci-results.js";
import { GitHubNotFound, GitHubPermissionMissing } from "../github/errors.js";
import { findLatestStory } from "../store/stories.js";
import { readSnapshot } from "../story/snapshot.js";
import { statusOf } from "../story/transition.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { renderCiFeedback, type FailingCheck } from "./ci-feedback.js";
import { saveHeadChecks } from "./head-checks.js";
import { ciFixSettings } from "./iterate-settings.js";
import { withIterationLock } from "./iteration-lock.js";
import { iterationsIn, recordIteration, startedIterations } from "./iterations.js";

const payload = z.object({
  action: z.literal("completed"),
  check_suite: z.object({
    id: z.number(),
    head_sha: z.string(),
    app: z.object({ id: z.number(), slug: z.string().optional() }).nullable(),
    pull_requests: z.array(z.object({ number: z.number() })),
  }),
  repository: z.object({ id: z.number(), name: z.string(), owner: z.object({ login: z.string() }) }),
  installation: z.object({ id: z.number() }).nullish(),
});

const failed = new Set(["failure", "timed_out"]);
/** Failing runs read in detail; more are named only. */
const MAX_DETAILED = 5;
const ownNames = new Set<string>([GATES_CHECK_NAME, BUDGET_CHECK_NAME, "wave/safety"]);

/**
 * `check_suite.completed` on the head of WAVE's PR. When every other app's suite on the
 * head has completed and one failed, the story goes back to build with the failing runs'
 * names, output, annotations and (GitHub Actions) the tail of the job's log, up to
 * `ci_fix.max_attempts` times; then it holds naming the checks still failing. WAVE's own
 * suite, suites of an older head and suites of apps that never ran anything are ignored.
 */
export const handleCheckSuiteCompleted: DeliveryHandler = async (delivery, context) => {
  const parsed = payload.safeParse(delivery.payload);
  if (!parsed.success) return "ignored: not a completed check suite";
  const { check_suite: suite, repository } = parsed.data;
  const number = suite.pull_requests[0]?.number;
  if (number === undefined) return "ignored: the suite belongs to no pull request";
  const { deps } = context;
  const story = await findLatestStory(deps.pool, repository.id, { pullRequest: number });
  if (!story) return `ignored: PR #${number} is not WAVE's`;
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const status = statusOf(snapshot);
  if (status === "killed" || status === "done") return `ignored: story ${story.id} is ${status}`;
  if (story.headSha !== suite.head_sha) return `ignored: suite of ${suite.head_sha.slice(0, 7)}, not the PR's head`;

  const octokit = await context.github.forInstallation(story.installationId);
  const where = { owner: story.owner, repo: story.repo };
  const runs = await listRuns(octokit, where, suite.head_sha);
  // WAVE's app is the one that wrote its own runs on this head, for this story.
  const ownApp = runs.find((run) => ownNames.has(run.name) && run.externalId === story.id)?.appId ?? null;
  if (suite.app && suite.app.id === ownApp) return "ignored: WAVE's own suite";
  const suites = (await listSuites(octokit, where, suite.head_sha)).filter((s) => s.appId !== ownApp && s.runs > 0);
  const pending = suites.filter((s) => s.status !== "completed");
  const failing = runs.filter((run) => run.appId !== ownApp && run.conclusion !== null && failed.has(run.conclusion));
  const names = failing.map((run) => `\`${run.name}\``).join(", ");
  const short = suite.head_sha.slice(0, 7);
  // wave/gates shows it: "waiting for the repository's checks" until they finish, green only when they passed.
  const changed = await saveHeadChecks(deps.pool, story.id, {
    headSha: suite.head_sha,
    state: pending.length > 0 ? "waiting" : failing.length > 0 ? "failed" : "passed",
    detail:
      pending.length > 0
        ? `waiting for ${pending.map((s) => s.appSlug ?? "an app").join(", ")} on ${short}`
        : failing.length > 0
          ? `failing on ${short}: ${names}`
          : `passed on ${short}`,
  });
  if (changed) await addStoryEffects(deps, story.id, [{ kind: "sync-checks" }]);
  if (pending.length > 0) return `waiting: ${pending.length} other suite(s) on ${short} still running`;
  if (failing.length === 0) return `story ${story.id}: the repository's checks passed on ${short}`;
  if (status !== "active" || snapshot.context.step !== "reviewApproval")
    return `story ${story.id}: checks failing on ${short}; the story is not waiting at its PR`;

  return withIterationLock(deps.pool, story.id, async () => {
    const settings = ciFixSettings(story.config);
    const attempts = await startedIterations(deps.pool, story.id, "ci");
    if (attempts >= settings.max_attempts) {
      const r = await applyEvent(
        deps,
        story.id,
        {
          type: "GATE_FAILED",
          by: "wave",
          reason: `the repository's checks still fail after ${attempts} fix attempt(s) (ci_fix.max_attempts: ${settings.max_attempts}): ${names}`,
        },
        { deliveryId: delivery.id },
      );
      return `story ${story.id}: ${r.applied ? "held" : "not held"}; checks still failing: ${names}`;
    }
    if ((await iterationsIn(deps.pool, story.id, "running")).length > 0) return `story ${story.id}: an iteration is already in flight`;
    const detailed = await Promise.all(failing.slice(0, MAX_DETAILED).map((run) => readFailure(octokit, where, run)));
    const feedback = renderCiFeedback(suite.head_sha, detailed, attempts + 1, settings.max_attempts);
    const { iteration, created } = await recordIteration(deps.pool, {
      storyId: story.id,
      deliveryId: delivery.id,
      source: "ci",
      sender: suite.app?.slug ?? "ci",
      role: "none",
      reviewId: null,
      headSha: suite.head_sha,
      feedback,
      comments: [],
      state: "running",
    });
    if (!created) return `story ${story.id}: iteration ${iteration.id} already ${iteration.state}`;
    const result = await applyEvent(deps, story.id, { type: "RECYCLE", by: "wave", feedback, role: "none" }, { deliveryId: delivery.id });
    if (!result.applied) {
      await deps.pool.query(`DELETE FROM story_iterations WHERE id = $1`, [iteration.id]);
      return `story ${story.id}: the failing checks could not send the story back`;
    }
    return `story ${story.id}: failing checks ${names} sent the story back to build (attempt ${attempts + 1} of ${settings.max_attempts})`;
  });
};

async function readFailure(
  octokit: Parameters<typeof listRuns>[0],
  where: { owner: string; repo: string },
  run: RunOnHead,
): Promise<FailingCheck> {
  const annotations = run.annotations > 0 ? await listAnnotations(octokit, where, run.id) : [];
  let log: string | null = null;
  if (run.appSlug === "github-actions") {
    try {
      log = await jobLog(octokit, where, run.id);
    } catch (error) {
      // Without `actions: read` (or once the log expired) the run's output and annotations still go in.
      if (!(error instanceof GitHubPermissionMissing || error instanceof GitHubNotFound)) throw error;
    }
  }
  return { run, annotations, log };
}
