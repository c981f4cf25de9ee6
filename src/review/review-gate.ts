import { pgBudgetLedger } from "../agents/ledger.js";
import type { GateWorker } from "../engine/run-gate.js";
import { BudgetExceeded, ModelOutputInvalid, ModelUnavailable, userMessage } from "../errors.js";
import { modelDeps, storyBase, type GateDeps } from "../gates/gate-context.js";
import { loadChange } from "../gates/story-change.js";
import { storedPlan } from "../gates/stored-plan.js";
import { claimFirstCreate } from "../store/create-claims.js";
import { postReview } from "../github/post-review.js";
import { storyBranch } from "../publish/branch-name.js";
import { BranchTakenOver, EmptyChange, PublishConflict } from "../publish/errors.js";
import { pullRequestTitle, renderPullRequestBody } from "../publish/pr-body.js";
import { loadPullRequestFacts, savePublished, saveReviewed } from "../publish/pr-facts.js";
import { publishStory } from "../publish/publish-story.js";
import { storySpendRows } from "../publish/story-spend.js";
import { statusUrl } from "../publish/story-urls.js";
import { addStoryEffects } from "../engine/apply-event.js";
import { afterPublish } from "../iterate/after-publish.js";
import { withIterationLock } from "../iterate/iteration-lock.js";
import { startBaseIteration } from "../iterate/rebuild-on-base.js";
import { latestVerdict } from "../safety/index.js";
import { gateView } from "../story/gate-view.js";
import { diffAnchors } from "./diff-anchors.js";
import { runReviewer } from "./reviewer.js";
import { renderReview, reviewVerdictLine } from "./review-text.js";

/**
 * G6 Review: publishes the kept change (one commit on WAVE's branch, one PR),
 * writes the three check runs on its head, has the reviewer agent review the
 * diff against the plan and posts its review with line comments. Answers
 * REVIEW_DONE. A conflict with the base that names its paths sends the story
 * back to build on the base's head (a `base` iteration, docs/iteration.md); a
 * conflict it cannot name, a branch someone else took over or an empty change
 * answers PUBLISH_FAILED, which holds the story with the reason.
 *
 * Safe to run again: the publish finds its commit and PR, the review is
 * posted once per head (stored, and found by its marker).
 */
export function reviewGate(deps: GateDeps): GateWorker {
  return async (story, snapshot) => {
    const change = await loadChange(deps.pool, story.id);
    if (!change)
      return { type: "GATE_FAILED", by: "wave", reason: "no change was kept for this story; `/wave recycle <feedback>` builds it again" };
    const plan = storedPlan(story);
    const base = await storyBase(deps, story);
    const octokit = await deps.github.forInstallation(story.installationId);
    const ctx = { octokit, owner: story.owner, repo: story.repo };
    const branch = story.branch ?? storyBranch(story.issueNumber, story.story.title);
    const capUsd = await storyCap(deps, story);
    const verdict = await latestVerdict(deps.pool, story.id, ["diff"]);
    const body = renderPullRequestBody({
      storyId: story.id,
      issueNumber: story.issueNumber,
      plan: {
        summary: plan.summary,
        steps: plan.steps.map((s) => `**${s.title}**: ${s.detail}`),
        acceptanceCriteria: plan.acceptance_criteria,
      },
      gates: gateView(snapshot).gates,
      budget: { capUsd, rows: await storySpendRows(deps.pool, story.id) },
      safety: verdict
        ? {
            score: verdict.score,
            verdict:
              verdict.decision === "allow"
                ? "passed"
                : verdict.decision === "escalate"
                  ? "accepted by a person after escalation"
                  : "blocked",
          }
        : { score: null, verdict: "not scored" },
      statusUrl: statusUrl(story),
    });

    // An iteration stacks its commit on the head WAVE published last (publish-commit.ts `onTopOf`).
    const before = await loadPullRequestFacts(deps.pool, story.id);
    let published;
    try {
      published = await publishStory(ctx, {
        storyId: story.id,
        branch,
        baseBranch: base.branch,
        planBaseSha: change.baseSha,
        files: change.files,
        message: `${pullRequestTitle(story.story.title)} (#${story.issueNumber})\n\n${plan.summary.trim()}`,
        title: pullRequestTitle(story.story.title),
        body,
        draft: story.config.draft_pr,
        opened: story.pullRequest !== null,
        ...(story.pullRequest !== null ? { pullNumber: story.pullRequest } : {}),
        onTopOf: before.publishedSha,
        lastBaseSha: before.publishedBaseSha,
        builtOnHead: change.builtOnHead ?? null,
      });
    } catch (error) {
      // The base moved onto a file the change touches: rebuild the change on it instead of holding.
      if (error instanceof PublishConflict && error.paths.length > 0) return rebuildOnMovedBase(deps, story, error);
      if (error instanceof PublishConflict || error instanceof BranchTakenOver || error instanceof EmptyChange) {
        return { type: "PUBLISH_FAILED", by: "wave", reason: userMessage(error) };
      }
      throw error;
    }
    const pr = published.pullRequest.pullRequest;
    const headSha = published.change.commitSha;
    await savePublished(deps.pool, story.id, {
      pullRequest: pr.number,
      branch,
      headSha,
      nodeId: pr.nodeId,
      draft: pr.draft,
      url: pr.url,
      baseSha: published.change.parentSha,
    });
    // No check runs yet: REVIEW_DONE's sync-checks effect creates them, on this head, a model call later.
    // Writing them here as well cost two or four more requests per story (in progress, then rewritten),
    // while the PR, a draft or not yet approved, cannot be merged through WAVE's gates meanwhile.
    // An iteration on the PR (a review's feedback) is answered, or held as unchanged, or the next one starts.
    const iterated = await afterPublish(deps, story.id, pr.number, headSha);
    if (iterated) {
      // The story leaves the review gate without a REVIEW_DONE, so the runs follow the new head from here,
      // through the outbox (its one effects job per story keeps two writers from creating the same run).
      await addStoryEffects(deps, story.id, [{ kind: "sync-checks" }]);
      return iterated;
    }

    const facts = await loadPullRequestFacts(deps.pool, story.id);
    if (facts.reviewedSha === headSha && facts.reviewVerdict)
      return { type: "REVIEW_DONE", by: "wave", verdict: facts.reviewVerdict, pullRequest: pr.number };
    let verdictLine: string;
    try {
      const { review } = await runReviewer(modelDeps(deps, story), {
        story: { title: story.story.title, body: story.story.body },
        plan: {
          summary: plan.summary,
          steps: plan.steps.map((s) => `${s.title}: ${s.detail}`),
          acceptanceCriteria: plan.acceptance_criteria,
        },
        diff: change.patch,
        role: story.config.agents.reviewer,
      });
      const rendered = renderReview(review, diffAnchors(change.patch));
      await postReview(ctx, {
        pullNumber: pr.number,
        commitId: headSha,
        marker: `<!-- wave:review=${story.id}:${headSha} -->`,
        ...rendered,
        firstAttempt: await claimFirstCreate(deps.pool, story.id, `review:${headSha}`),
      });
      verdictLine = reviewVerdictLine(review);
    } catch (error) {
      if (error instanceof BudgetExceeded) return { type: "BUDGET_EXHAUSTED", by: "wave", reason: userMessage(error) };
      // The reviewer only advises: without it the PR still waits for a person, who is told why.
      if (!(error instanceof ModelOutputInvalid || error instanceof ModelUnavailable)) throw error;
      verdictLine = `no review (${userMessage(error).split("\n")[0] ?? "the reviewer failed"})`;
    }
    await saveReviewed(deps.pool, story.id, headSha, verdictLine);
    return { type: "REVIEW_DONE", by: "wave", verdict: verdictLine, pullRequest: pr.number };
  };
}

/** The story's cap, raises included. */
async function storyCap(deps: GateDeps, story: Parameters<GateWorker>[0]): Promise<number> {
  const position = await pgBudgetLedger(deps.pool).position({
    storyId: story.id,
    repoId: story.repoId,
    storyCapUsd: story.config.budget.story_cap_usd,
    repoCapUsd: story.config.budget.repo_monthly_cap_usd,
  });
  return position.storyCapUsd;
}

/**
 * The publish found the base moved onto the change's files: an iteration of source `base` sends
 * the story back to build on the base's head (the build merges the change onto it), bounded like
 * every base move; past the bound the story holds with the conflict, as before.
 */
async function rebuildOnMovedBase(deps: GateDeps, story: Parameters<GateWorker>[0], conflict: PublishConflict) {
  const start = await withIterationLock(deps.pool, story.id, () =>
    startBaseIteration(deps, story, {
      deliveryId: `publish-conflict:${story.id}:${conflict.baseSha}`,
      branch: conflict.baseBranch,
      toSha: conflict.baseSha,
      paths: conflict.paths,
    }),
  );
  if (start.kind === "bounded") return { type: "PUBLISH_FAILED" as const, by: "wave", reason: `${userMessage(conflict)}\n${start.reason}` };
  return start.event;
}
