import type { EngineDeps } from "../engine/deps.js";
import type { StoryRow } from "../store/stories.js";
import type { StoryEvent } from "../story/events.js";
import { iterateSettings } from "./iterate-settings.js";
import { recordIteration, startedIterations } from "./iterations.js";

/** What a base move starts: the RECYCLE to send, or why the story holds instead. */
export type BaseIterationStart =
  | { kind: "started"; event: Extract<StoryEvent, { type: "RECYCLE" }>; iterationId: number; fromSha: string | null; resumed: boolean }
  | { kind: "bounded"; reason: string };

/** The RECYCLE's note; the build gate tells the developer the merge's own conflicts, so this only says why. */
export function baseMovedFeedback(branch: string, sha: string, paths: readonly string[] | null): string {
  const why =
    paths === null
      ? "WAVE could not tell whether it changed the files this change touches"
      : `it changed ${paths.map((p) => `\`${p}\``).join(", ")}, which this change touches too`;
  return `The base branch \`${branch}\` moved to ${sha.slice(0, 7)} and ${why}: the change is rebuilt on it.`;
}

/**
 * Under the story's iteration lock (src/iterate/iteration-lock.ts): starts an iteration of source
 * `base` that rebuilds the kept change on the base branch's new head `toSha`. The story's base
 * (`stories.base_sha`) moves there before the RECYCLE is sent, so the build it leads to merges the
 * change (kept on its old base) onto it (src/gates/merge-kept-change.ts). Bounded by
 * `iterate.max_iterations`, counted over base moves: past it the story holds, a person decides.
 * Idempotent per `deliveryId`: a second call finds the iteration and resumes it.
 */
export async function startBaseIteration(
  deps: EngineDeps,
  story: StoryRow,
  input: { deliveryId: string; branch: string; toSha: string; paths: readonly string[] | null },
): Promise<BaseIterationStart> {
  const feedback = baseMovedFeedback(input.branch, input.toSha, input.paths);
  const event = { type: "RECYCLE", by: "wave", feedback, role: "none" } as const;
  const settings = iterateSettings(story.config);
  const existing = await deps.pool.query(`SELECT id, state FROM story_iterations WHERE delivery_id = $1`, [input.deliveryId]);
  const found = existing.rows[0] as { id: string; state: string } | undefined;
  if (found?.state === "running") {
    // Cut off after the iteration was recorded (a crash, a retried job): the base move may not have been written.
    await deps.pool.query(`UPDATE stories SET base_sha = $2 WHERE id = $1`, [story.id, input.toSha]);
    return { kind: "started", event, iterationId: Number(found.id), fromSha: null, resumed: true };
  }
  if (!found) {
    const started = await startedIterations(deps.pool, story.id, "base");
    if (started >= settings.max_iterations)
      return {
        kind: "bounded",
        reason: `the base branch \`${input.branch}\` moved under the change ${started} time(s) already (iterate.max_iterations: ${settings.max_iterations}); a person decides the next step: resolve the conflict with ${input.toSha.slice(0, 7)} on the branch by hand, or \`/wave kill <reason>\``,
      };
  }
  const { iteration } = await recordIteration(deps.pool, {
    storyId: story.id,
    deliveryId: input.deliveryId,
    source: "base",
    sender: "wave",
    role: "none",
    reviewId: null,
    headSha: story.headSha,
    feedback,
    comments: [],
    state: "running",
  });
  const before = await deps.pool.query(`SELECT base_sha FROM stories WHERE id = $1`, [story.id]);
  const fromSha = (before.rows[0] as { base_sha: string | null } | undefined)?.base_sha ?? null;
  await deps.pool.query(`UPDATE stories SET base_sha = $2 WHERE id = $1`, [story.id, input.toSha]);
  return { kind: "started", event, iterationId: iteration.id, fromSha, resumed: false };
}

/** Undoes a start whose RECYCLE the statechart did not take: the base goes back, the iteration goes. */
export async function undoBaseIteration(
  deps: EngineDeps,
  storyId: string,
  start: Extract<BaseIterationStart, { kind: "started" }>,
  toSha: string,
): Promise<void> {
  if (start.fromSha)
    await deps.pool.query(`UPDATE stories SET base_sha = $3 WHERE id = $1 AND base_sha = $2`, [storyId, toSha, start.fromSha]);
  await deps.pool.query(`DELETE FROM story_iterations WHERE id = $1`, [start.iterationId]);
}
