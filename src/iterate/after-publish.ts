import type { Effect } from "../effects/effect.js";
import type { EngineDeps } from "../engine/deps.js";
import { addStoryEffects } from "../engine/apply-event.js";
import type { StoryEvent } from "../story/events.js";
import { withIterationLock } from "./iteration-lock.js";
import { iterationsIn, markIterations } from "./iterations.js";
import { mergeFeedback, threadReplyBody } from "./review-feedback.js";

/** The hold's reason when an iteration reproduced the change the feedback was given on. */
export const SAME_CHANGE_REASON =
  "the last two attempts produced the same change, so the review was not addressed; `/wave retry` (write and above) or a new review tries again";

/**
 * Called by the review gate once the change is on the branch at `headSha`. For the
 * iterations that were running: when the attempt reproduced the head their feedback was
 * given on, nothing was addressed, so the story holds (the loop guard) instead of claiming
 * otherwise; else each of their line comments gets a reply in its thread naming the
 * commit (through the outbox). Feedback that arrived meanwhile was queued: it is merged
 * into one RECYCLE, returned for the gate to answer with, so one story never runs two
 * iterations at once. Null when the gate goes on as usual.
 */
export async function afterPublish(deps: EngineDeps, storyId: string, pullNumber: number, headSha: string): Promise<StoryEvent | null> {
  return withIterationLock(deps.pool, storyId, () => settleIterations(deps, storyId, pullNumber, headSha));
}

async function settleIterations(deps: EngineDeps, storyId: string, pullNumber: number, headSha: string): Promise<StoryEvent | null> {
  const running = await iterationsIn(deps.pool, storyId, "running");
  if (running.length > 0) {
    if (running.every((iteration) => iteration.headSha === headSha)) {
      await markIterations(
        deps.pool,
        running.map((i) => i.id),
        "unchanged",
        headSha,
      );
      return { type: "GATE_FAILED", by: "wave", reason: SAME_CHANGE_REASON };
    }
    const replies: Effect[] = running.flatMap((iteration) =>
      iteration.comments.map((comment): Effect => ({
        kind: "thread-reply",
        pullNumber,
        commentId: comment.id,
        key: `${iteration.id}:${comment.id}`,
        body: threadReplyBody(headSha),
      })),
    );
    if (replies.length > 0) await addStoryEffects(deps, storyId, replies);
    await markIterations(
      deps.pool,
      running.map((i) => i.id),
      "published",
      headSha,
    );
  }
  const queued = await iterationsIn(deps.pool, storyId, "queued");
  const next = queued[0];
  if (!next) return null;
  // The next attempt starts from this head: reproducing it is what the loop guard then catches.
  await deps.pool.query(`UPDATE story_iterations SET state = 'running', head_sha = $2 WHERE id = ANY($1::bigint[])`, [
    queued.map((i) => i.id),
    headSha,
  ]);
  return { type: "RECYCLE", by: next.sender, feedback: mergeFeedback(queued.map((i) => i.feedback)), role: next.role };
}
