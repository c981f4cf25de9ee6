import { handleCommandDelivery } from "../commands/handle-command-event.js";
import { grantedAuthority } from "../commands/granted-authority.js";
import { authorizeSender } from "../commands/github/authorize-sender.js";
import { isBot } from "../commands/is-bot.js";
import { earlierAttempt } from "../commands/command-audit.js";
import type { PermissionLevel } from "../config/sections/commands.js";
import { loadConfig } from "../config/load.js";
import { addStoryEffects, applyEvent } from "../engine/apply-event.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GitHubClient } from "../github/client.js";
import { postReplyOnce } from "../github/reply.js";
import { listReviewComments, type ReviewLineComment } from "../github/review-comments.js";
import { findLatestStory, loadStory, type StoryRow } from "../store/stories.js";
import { readSnapshot } from "../story/snapshot.js";
import { statusOf } from "../story/transition.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { iterateSettings } from "./iterate-settings.js";
import { withIterationLock } from "./iteration-lock.js";
import { iterationsIn, recordIteration, startedIterations } from "./iterations.js";
import { renderReviewFeedback } from "./review-feedback.js";
import { readReviewSubmitted, type ReviewSubmitted } from "./review-event.js";

/** Steps at which an iteration is being worked on: a second trigger then waits and joins the next one. */
const workingSteps = new Set(["build", "verify", "safety", "review"]);

/** A review that names WAVE (or its commands) is a request to WAVE, so a refusal is worth a reply. */
export function looksAddressedToWave(text: string): boolean {
  return /(^|[^\w-])(@?wave(\[bot\])?|\/wave)\b/i.test(text);
}

/**
 * `pull_request_review.submitted`. A review whose body carries `/wave` commands is a
 * command (the commands layer answers it). Otherwise a changes-requested review (or, with
 * `iterate.reviews.commented`, a commented review with line comments) on WAVE's PR, from a
 * person allowed to `/wave recycle`, sends the story back to build with the review and its
 * line comments as feedback (src/iterate/after-publish.ts answers the threads). Bots are
 * ignored before any request; a person without the role, or a review on a PR WAVE did not
 * open, gets one reply when the review looks addressed to WAVE. While an iteration is in
 * flight a review waits and joins the next one, and a review of an older head is dropped.
 */
export const handleReviewSubmitted: DeliveryHandler = async (delivery, context) => {
  const review = readReviewSubmitted(delivery.payload);
  if (!review) return "ignored: not a submitted review";
  if (/^[ \t\uFEFF]*\/wave/im.test(review.body)) return handleCommandDelivery(delivery, context);
  return iterateOnReview(delivery, context, review, (octokit, where) =>
    listReviewComments(octokit, { ...where, pullNumber: review.pullNumber, reviewId: review.reviewId }),
  );
};

/** How a review's line comments are read: from GitHub for a review, or from the payload for a lone line comment. */
export type ReadLineComments = (octokit: GitHubClient, where: { owner: string; repo: string }) => Promise<ReviewLineComment[]>;

/**
 * The review path after commands are ruled out: ignore, refuse, queue or send the story back.
 * `handleReviewSubmitted` and the lone line comment of `handle-review-comment.ts` share it.
 */
export async function iterateOnReview(
  delivery: Parameters<DeliveryHandler>[0],
  context: Parameters<DeliveryHandler>[1],
  review: ReviewSubmitted,
  readComments: ReadLineComments,
): Promise<string> {
  if (isBot(review.sender) || isBot(review.reviewer)) return "ignored: review by a bot";
  if (review.state !== "changes_requested" && review.state !== "commented") return `ignored: ${review.state} review`;
  if (review.installationId === null) return "ignored: no installation";
  const { deps } = context;
  const repo = { owner: review.repository.owner.login, repo: review.repository.name };
  const story = await findLatestStory(deps.pool, review.repository.id, { pullRequest: review.pullNumber });
  if (!story) {
    if (!looksAddressedToWave(review.body)) return `ignored: PR #${review.pullNumber} is not WAVE's`;
    const octokit = await context.github.forInstallation(review.installationId);
    await postReplyOnce(
      octokit,
      { ...repo, issueNumber: review.pullNumber },
      `iterate-not-wave:${review.reviewId}`,
      `@${review.reviewer.login}, WAVE did not open this pull request, so it does not act on its reviews.`,
    );
    return `ignored: PR #${review.pullNumber} is not WAVE's (replied)`;
  }
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const status = statusOf(snapshot);
  if (status === "killed" || status === "done") return `ignored: story ${story.id} is ${status}`;
  const settings = iterateSettings(story.config);
  if (review.state === "commented" && !settings.reviews.commented) return "ignored: commented review (iterate.reviews.commented is off)";

  const octokit = await context.github.forInstallation(story.installationId);
  const comments = await readComments(octokit, repo);
  if (review.state === "commented" && comments.length === 0) return "ignored: commented review without line comments";
  if (!review.body.trim() && comments.length === 0) return "ignored: the review asks for nothing in words";
  const feedback = renderReviewFeedback({
    reviewer: review.reviewer.login,
    state: review.state,
    commitId: review.commitId,
    body: review.body,
    comments,
  });

  const config = (await loadConfig(octokit as Parameters<typeof loadConfig>[0], repo.owner, repo.repo)).commands;
  const authorized = await authorizeSender(octokit, context.directory, {
    sender: review.reviewer,
    repository: review.repository,
    commands: [{ name: "recycle", feedback }],
    story: { starter: story.startedBy, holdPlacers: (snapshot.context.holds.people ?? []).map((hold) => hold.by) },
    config,
  });
  if (authorized.kind === "ignored") return "ignored: review by a bot";
  if (!authorized.decision.allowed) return refuse(deps, story, review, config.permissions.recycle.role);
  const role = grantedAuthority(authorized.decision, "recycle");

  return withIterationLock(deps.pool, story.id, () =>
    startOrQueue(deps, story, review, { deliveryId: delivery.id, role, feedback, comments }),
  );
}

interface Ask {
  deliveryId: string;
  role: PermissionLevel;
  feedback: string;
  comments: readonly ReviewLineComment[];
}

/** Under the story's iteration lock: queue the review behind the iteration in flight, hold at the bound, or start it. */
async function startOrQueue(deps: EngineDeps, found: StoryRow, review: ReviewSubmitted, ask: Ask): Promise<string> {
  const { deliveryId, role, feedback, comments } = ask;
  // Re-read under the lock: the story may have moved since the review was read.
  const story = (await loadStory(deps.pool, found.id)) ?? found;
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const status = statusOf(snapshot);
  const settings = iterateSettings(story.config);
  const running = await iterationsIn(deps.pool, story.id, "running");
  const inFlight = status === "active" && workingSteps.has(snapshot.context.step) && running.length > 0;
  if (inFlight && review.commitId && story.headSha && review.commitId !== story.headSha) {
    return `ignored: review of ${review.commitId.slice(0, 7)}, an older head than the iteration in flight`;
  }
  const base = {
    storyId: story.id,
    deliveryId,
    source: "review" as const,
    sender: review.reviewer.login,
    role,
    reviewId: review.reviewId,
    headSha: review.commitId ?? review.headSha,
    feedback,
    comments: comments.map((c) => ({ id: c.inReplyTo ?? c.id, path: c.path, line: c.line })),
  };
  const { iteration, created } = await recordIteration(deps.pool, { ...base, state: "queued" });
  if (!created && iteration.state !== "queued") {
    // Marked running and then cut off before its RECYCLE (a crash, a lost race): send it now, once.
    const resume = iteration.state === "running" && !(await earlierAttempt(deps.pool, story.id, "RECYCLE", deliveryId));
    if (!resume) return `story ${story.id}: iteration ${iteration.id} already ${iteration.state}`;
    return recycle(deps, story, review, iteration.id, { deliveryId, role, feedback, comments });
  }
  if (inFlight) return `story ${story.id}: review queued behind the iteration in flight (iteration ${iteration.id})`;

  const started = await startedIterations(deps.pool, story.id);
  if (started >= settings.max_iterations) {
    await deps.pool.query(`DELETE FROM story_iterations WHERE id = $1`, [iteration.id]);
    const r = await applyEvent(
      deps,
      story.id,
      {
        type: "GATE_FAILED",
        by: "wave",
        reason: `${started} iterations already ran on this pull request (iterate.max_iterations: ${settings.max_iterations}); a person decides the next step: \`/wave retry\` lifts this hold`,
      },
      { deliveryId },
    );
    return `story ${story.id}: ${r.applied ? "held" : "not held"} after ${started} iterations`;
  }
  // Marked running before the event, so the review gate that the RECYCLE leads to finds it.
  await deps.pool.query(`UPDATE story_iterations SET state = 'running' WHERE id = $1`, [iteration.id]);
  return recycle(deps, story, review, iteration.id, ask);
}

/** Sends the running iteration to build; an event the statechart does not take leaves no iteration behind. */
async function recycle(deps: EngineDeps, story: StoryRow, review: ReviewSubmitted, iterationId: number, ask: Ask): Promise<string> {
  const { deliveryId, role, feedback, comments } = ask;
  const result = await applyEvent(deps, story.id, { type: "RECYCLE", by: review.reviewer.login, feedback, role }, { deliveryId });
  if (!result.applied) {
    await deps.pool.query(`DELETE FROM story_iterations WHERE id = $1`, [iterationId]);
    const snapshot = readSnapshot(result.story.snapshot, result.story.machineVersion);
    return `story ${story.id}: the review could not send the story back (at ${snapshot.context.step}, ${statusOf(snapshot)})`;
  }
  return `story ${story.id}: review ${review.reviewId} sent the story back to build with ${comments.length} line comment(s)`;
}

async function refuse(
  deps: Parameters<typeof addStoryEffects>[0],
  story: StoryRow,
  review: ReviewSubmitted,
  needed: string,
): Promise<string> {
  if (!looksAddressedToWave(review.body)) return `ignored: @${review.reviewer.login} may not send the story back`;
  await addStoryEffects(deps, story.id, [
    {
      kind: "reply",
      issueNumber: review.pullNumber,
      key: `iterate-refused:${review.reviewId}`,
      body: `@${review.reviewer.login}, I did not act on this review: sending the story back to build needs the \`${needed}\` role (the \`commands.permissions.recycle\` rule). A person with it can ask for the same change.`,
    },
  ]);
  return `ignored: @${review.reviewer.login} may not send the story back (replied)`;
}
