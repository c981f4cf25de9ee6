import { pgBudgetLedger } from "../agents/ledger.js";
import { renderBudgetCheck } from "../checks/budget-check.js";
import { GATES_CHECK_NAME, gateActions, renderGatesCheck } from "../checks/gates-check.js";
import { renderIteratingGatesCheck } from "../checks/iterating-check.js";
import { iterationInFlight } from "../effects/iteration-in-flight.js";
import type { CheckRunPayload } from "../github/check-run-payload.js";
import type { GitHubClient, RepoContext } from "../github/client.js";
import { writeCheckRun } from "../github/write-check-run.js";
import type { Pool } from "../store/db.js";
import { deadLetterReasons } from "../store/outbox.js";
import type { StoryRow } from "../store/stories.js";
import { gateView } from "../story/gate-view.js";
import { readSnapshot } from "../story/snapshot.js";
import { markReadyForReview } from "../github/mark-ready.js";
import { loadPullRequestFacts, saveCheckRunRecord, saveDraft, type PullRequestFacts } from "./pr-facts.js";
import { safetyCheckPayload, storedDiffVerdict } from "./stored-diff-verdict.js";
import { storyIterationSpend, storySpendRows } from "./story-spend.js";
import { statusUrl } from "./story-urls.js";
import { loadHeadChecks } from "../iterate/head-checks.js";

export interface SyncChecksOptions {
  /** Create new runs for these names even when nothing changed: the answer to a re-run request. */
  fresh?: ReadonlySet<string>;
}

export interface SyncChecksResult {
  /** GitHub requests made; 0 when every run was current. */
  requests: number;
  written: string[];
}

/**
 * The `sync-checks` effect: renders `wave/gates`, `wave/safety` and `wave/budget`
 * from the story's stored state onto the PR's head and writes only what changed
 * (by stored id; a new head gets new runs). Once the story reaches the merge gate
 * a draft PR is marked ready for review. Does nothing while the story has no PR.
 * Idempotent: safe to run any number of times.
 */
export async function syncChecks(
  octokit: GitHubClient,
  pool: Pool,
  story: StoryRow,
  options: SyncChecksOptions = {},
): Promise<SyncChecksResult> {
  const result: SyncChecksResult = { requests: 0, written: [] };
  if (story.pullRequest === null || story.headSha === null) return result;
  const headSha = story.headSha;
  const ctx = { octokit, owner: story.owner, repo: story.repo };
  const facts = await loadPullRequestFacts(pool, story.id);
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const view = gateView(snapshot);
  const detailsUrl = statusUrl(story);

  const iterating = options.fresh?.size ? null : iterationInFlight(snapshot);
  if (iterating) {
    // The review gate has just published the iteration's commit: its REVIEW_DONE (or the next queued iteration) writes the runs there.
    if (snapshot.context.step === "review" && facts.checkRuns[GATES_CHECK_NAME]?.headSha !== headSha) return result;
    // Meanwhile only `wave/gates` says the iteration runs, once; safety and budget follow on the new head.
    const payload = renderIteratingGatesCheck({
      storyId: story.id,
      issueNumber: story.issueNumber,
      pullRequest: iterating.pullRequest,
      detailsUrl,
      problems: await deadLetterReasons(pool, story.id),
    });
    await writeRuns(ctx, pool, story.id, headSha, facts, [payload], options, result);
    return result;
  }

  const repositoryChecks = await loadHeadChecks(pool, story.id, headSha);
  const payloads: CheckRunPayload[] = [
    renderGatesCheck({
      storyId: story.id,
      issueNumber: story.issueNumber,
      standing: view.standing,
      gates: view.gates,
      decisions: view.decisions,
      ...(view.reason ? { reason: view.reason } : {}),
      detailsUrl,
      actions: gateActions(view.standing),
      problems: await deadLetterReasons(pool, story.id),
      ...(repositoryChecks ? { repositoryChecks: { state: repositoryChecks.state, detail: repositoryChecks.detail } } : {}),
    }),
  ];
  const verdict = await storedDiffVerdict(pool, story.id);
  if (verdict) payloads.push(safetyCheckPayload(verdict, story.id, detailsUrl));
  const position = await pgBudgetLedger(pool).position({
    storyId: story.id,
    repoId: story.repoId,
    storyCapUsd: story.config.budget.story_cap_usd,
    repoCapUsd: story.config.budget.repo_monthly_cap_usd,
  });
  payloads.push(
    renderBudgetCheck({
      storyId: story.id,
      capUsd: position.storyCapUsd,
      rows: await storySpendRows(pool, story.id),
      iterations: await storyIterationSpend(pool, story.id),
      heldForBudget: snapshot.context.holds.budget !== undefined,
      detailsUrl,
    }),
  );

  await writeRuns(ctx, pool, story.id, headSha, facts, payloads, options, result);

  // The review gate is satisfied (a person approved): the PR leaves draft.
  if (view.standing === "ready" && facts.draft && facts.nodeId) {
    const ready = await markReadyForReview(ctx, {
      number: story.pullRequest,
      nodeId: facts.nodeId,
      url: facts.url ?? "",
      draft: true,
      headSha,
    });
    result.requests += ready.requests;
    await saveDraft(pool, story.id, false);
  }
  return result;
}

/** Writes each payload by its stored run (skipped when unchanged) and stores what was written. */
async function writeRuns(
  ctx: RepoContext,
  pool: Pool,
  storyId: string,
  headSha: string,
  facts: PullRequestFacts,
  payloads: CheckRunPayload[],
  options: SyncChecksOptions,
  result: SyncChecksResult,
): Promise<void> {
  for (const payload of payloads) {
    const stored = facts.checkRuns[payload.name];
    const written = await writeCheckRun(ctx, {
      headSha,
      payload,
      ...(stored ? { stored } : {}),
      fresh: options.fresh?.has(payload.name) ?? false,
    });
    result.requests += written.requests;
    if (written.action !== "unchanged") {
      await saveCheckRunRecord(pool, storyId, payload.name, written.record);
      result.written.push(payload.name);
    }
  }
}
