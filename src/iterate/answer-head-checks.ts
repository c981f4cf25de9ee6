import { WAVE_CHECK_NAMES as ownNames } from "../checks/wave-check-names.js";
import { addStoryEffects, applyEvent } from "../engine/apply-event.js";
import { jobLog, listAnnotations, listRuns, listStatuses, listSuites, type RunOnHead, type StatusOnHead } from "../github/ci-results.js";
import type { GitHubClient } from "../github/client.js";
import { GitHubNotFound, GitHubPermissionMissing } from "../github/errors.js";
import { readRequiredChecks, type RequiredCheck, type RequiredChecks } from "../github/required-checks.js";
import type { Pool } from "../store/db.js";
import { findLatestStory, loadStory, type StoryRow } from "../store/stories.js";
import { readSnapshot } from "../story/snapshot.js";
import { statusOf } from "../story/transition.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { renderCiFeedback, type FailingCheck } from "./ci-feedback.js";
import { evaluateHeadChecks, type HeadVerdict } from "./evaluate-head-checks.js";
import { loadHeadChecks, saveHeadChecks } from "./head-checks.js";
import { ciFixSettings } from "./iterate-settings.js";
import { withIterationLock } from "./iteration-lock.js";
import { iterationsIn, recordIteration, startedIterations } from "./iterations.js";

/** Failing runs read in detail; more are named only. */
const MAX_DETAILED = 5;

/** A finished suite or run of some app on a PR head, as the two webhook handlers read it. */
export interface OtherChecksEvent {
  what: "suite" | "run";
  headSha: string;
  pullRequest: number;
  /** The PR's base branch as the payload names it, when it does. */
  baseRef: string | null;
  app: { id: number; slug: string | null } | null;
  /** For a run: its name and external id (WAVE's own runs carry the story's id). */
  runName: string | null;
  runExternalId: string | null;
  repository: { id: number; name: string; owner: { login: string } };
}

type Delivery = Parameters<DeliveryHandler>[0];
type Context = Parameters<DeliveryHandler>[1];
type Where = { owner: string; repo: string };

/**
 * The repository's checks on the head of WAVE's PR, answered after a suite or run of another
 * app finished, while the story waits at its PR (`reviewApproval`):
 *
 * 1. The head's runs and suites are read (2 requests), and, once per head (kept in
 *    `story_head_checks.required`), the base branch's required checks (2 more).
 * 2. `evaluateHeadChecks` decides: waiting (for the required checks, or for every suite when
 *    nothing is required or the rules cannot be read), passed or failed; `wave/gates` shows it.
 * 3. A failure the repository cares about sends the story back to build with the failing
 *    checks' output, annotations and Actions log tail, up to `ci_fix.max_attempts`; then it holds.
 *
 * A suite and a run of the same failure arrive as two deliveries: under the story's iteration
 * lock the second finds the CI iteration already recorded for the head and does nothing.
 */
export async function answerHeadChecks(delivery: Delivery, context: Context, event: OtherChecksEvent): Promise<string> {
  const { deps } = context;
  const story = await findLatestStory(deps.pool, event.repository.id, { pullRequest: event.pullRequest });
  if (!story) return `ignored: PR #${event.pullRequest} is not WAVE's`;
  if (event.what === "run" && event.runName !== null && ownNames.has(event.runName) && event.runExternalId === story.id)
    return "ignored: WAVE's own run";
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const status = statusOf(snapshot);
  if (status === "killed" || status === "done") return `ignored: story ${story.id} is ${status}`;
  const short = event.headSha.slice(0, 7);
  if (story.headSha !== event.headSha) return `ignored: ${event.what} of ${short}, not the PR's head`;

  const settings = ciFixSettings(story.config);
  const kept = await loadHeadChecks(deps.pool, story.id, event.headSha);
  if (event.what === "run" && settings.only_required && notRequired(kept?.required ?? null, event))
    return `ignored: \`${event.runName}\` is not a check the base branch requires; its suite's event will settle the head`;

  const octokit = await context.github.forInstallation(story.installationId);
  const where = { owner: story.owner, repo: story.repo };
  const allRuns = await listRuns(octokit, where, event.headSha);
  // WAVE's app is the one that wrote its own runs on this head, for this story.
  const ownApp = allRuns.find((run) => ownNames.has(run.name) && run.externalId === story.id)?.appId ?? null;
  if (event.app && event.app.id === ownApp) return `ignored: WAVE's own ${event.what}`;
  const runs = allRuns.filter((run) => run.appId !== ownApp);
  const suites = (await listSuites(octokit, where, event.headSha)).filter((s) => s.appId !== ownApp && s.runs > 0);
  // Kept as read; WAVE's own checks are left out each time (its app may not be known on the first read).
  const required = kept?.required ?? (await readRequiredFor(deps.pool, octokit, where, story, event));
  const facts = {
    headSha: event.headSha,
    runs,
    suites,
    statuses: null,
    required: withoutOwn(required, ownApp),
    onlyRequired: settings.only_required,
  };
  let verdict = evaluateHeadChecks(facts);
  if (verdict.needsStatuses) verdict = evaluateHeadChecks({ ...facts, statuses: await listStatuses(octokit, where, event.headSha) });

  // wave/gates shows it: "waiting for the repository's checks" until the ones that count finish, green only when they passed.
  const changed = await saveHeadChecks(deps.pool, story.id, {
    headSha: event.headSha,
    state: verdict.state,
    detail: verdict.detail,
    required,
  });
  if (changed) await addStoryEffects(deps, story.id, [{ kind: "sync-checks" }]);
  if (verdict.waitingFor !== null) return `waiting: ${verdict.waitingFor} on ${short} still running`;
  const names = [...verdict.fixRuns.map((r) => r.name), ...verdict.fixStatuses.map((s) => s.context)].map((n) => `\`${n}\``).join(", ");
  if (names === "") return `story ${story.id}: the repository's checks ${verdict.state} on ${short}: ${verdict.detail}`;
  if (status !== "active" || snapshot.context.step !== "reviewApproval")
    return `story ${story.id}: checks failing on ${short}; the story is not waiting at its PR`;

  return withIterationLock(deps.pool, story.id, () => sendBack(delivery, context, story.id, event, verdict, names));
}

/** Under the story's iteration lock: hold at the bound, or start the fix iteration, once per head. */
async function sendBack(
  delivery: Delivery,
  context: Context,
  storyId: string,
  event: OtherChecksEvent,
  verdict: HeadVerdict,
  names: string,
) {
  const { deps } = context;
  // Re-read under the lock: a suite and a run of one failure may both have got this far.
  const story = await loadStory(deps.pool, storyId);
  if (!story || story.headSha !== event.headSha) return `story ${storyId}: the head moved on`;
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  if (statusOf(snapshot) !== "active" || snapshot.context.step !== "reviewApproval")
    return `story ${story.id}: checks failing on ${event.headSha.slice(0, 7)}; the story is not waiting at its PR`;
  if (await ciIterationFor(deps.pool, story.id, event.headSha))
    return `story ${story.id}: the failing checks on ${event.headSha.slice(0, 7)} already sent the story back`;
  if ((await iterationsIn(deps.pool, story.id, "running")).length > 0) return `story ${story.id}: an iteration is already in flight`;
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
  const octokit = await context.github.forInstallation(story.installationId);
  const where = { owner: story.owner, repo: story.repo };
  const detailed = [
    ...(await Promise.all(verdict.fixRuns.slice(0, MAX_DETAILED).map((run) => readFailure(octokit, where, run)))),
    ...verdict.fixStatuses.slice(0, MAX_DETAILED).map(statusFailure),
  ];
  const feedback = renderCiFeedback(event.headSha, detailed, attempts + 1, settings.max_attempts);
  const { iteration, created } = await recordIteration(deps.pool, {
    storyId: story.id,
    deliveryId: delivery.id,
    source: "ci",
    sender: event.app?.slug ?? "ci",
    role: "none",
    reviewId: null,
    headSha: event.headSha,
    feedback,
    comments: [],
    state: "running",
    trigger: `CI: ${names}`,
  });
  if (!created) return `story ${story.id}: iteration ${iteration.id} already ${iteration.state}`;
  const result = await applyEvent(deps, story.id, { type: "RECYCLE", by: "wave", feedback, role: "none" }, { deliveryId: delivery.id });
  if (!result.applied) {
    await deps.pool.query(`DELETE FROM story_iterations WHERE id = $1`, [iteration.id]);
    return `story ${story.id}: the failing checks could not send the story back`;
  }
  return `story ${story.id}: failing checks ${names} sent the story back to build (attempt ${attempts + 1} of ${settings.max_attempts})`;
}

/** A CI iteration already started for this head (by the suite's or a run's delivery). */
async function ciIterationFor(pool: Pool, storyId: string, headSha: string): Promise<boolean> {
  const res = await pool.query(
    `SELECT 1 FROM story_iterations WHERE story_id = $1 AND source = 'ci' AND head_sha = $2 AND state <> 'queued' LIMIT 1`,
    [storyId, headSha],
  );
  return res.rows.length > 0;
}

/**
 * A run the base branch's rules (already read for this head) do not require cannot change what
 * `wave/gates` waits for, so its event costs no request: CI with many jobs sends one per job.
 */
function notRequired(required: RequiredChecks | null, event: OtherChecksEvent): boolean {
  // WAVE's own required checks do not count: with only those, every check is waited on.
  const others = required?.readable ? required.checks.filter((c) => !ownNames.has(c.context)) : [];
  if (others.length === 0) return false;
  return !others.some((c) => c.context === event.runName && (c.appId === null || c.appId === event.app?.id));
}

/** The required checks for the story's base branch, read when the head's checks do not hold them yet (once per head). */
async function readRequiredFor(
  pool: Pool,
  octokit: GitHubClient,
  where: Where,
  story: StoryRow,
  event: OtherChecksEvent,
): Promise<RequiredChecks> {
  const row = await pool.query(`SELECT base_branch FROM stories WHERE id = $1`, [story.id]);
  const branch =
    (row.rows[0] as { base_branch: string | null } | undefined)?.base_branch ?? event.baseRef ?? story.config.base_branch ?? null;
  if (branch === null) return { readable: false, why: "the story's base branch is not known yet", checks: [] };
  return readRequiredChecks(octokit, where, branch);
}

/** WAVE's own checks may be required too; waiting on them from inside `wave/gates` would never end. */
function withoutOwn(required: RequiredChecks, ownApp: number | null): RequiredChecks {
  const own = (c: RequiredCheck) => ownNames.has(c.context) && (c.appId === null || ownApp === null || c.appId === ownApp);
  return { ...required, checks: required.checks.filter((c) => !own(c)) };
}

async function readFailure(octokit: GitHubClient, where: Where, run: RunOnHead): Promise<FailingCheck> {
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

function statusFailure(status: StatusOnHead): FailingCheck {
  return {
    run: {
      name: status.context,
      appSlug: null,
      title: status.description,
      summary: status.targetUrl ? `Details: ${status.targetUrl}` : null,
    },
    annotations: [],
    log: null,
  };
}
