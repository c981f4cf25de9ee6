import { applyEvent } from "../engine/apply-event.js";
import type { EngineDeps } from "../engine/deps.js";
import { loadStory } from "../store/stories.js";
import { readSnapshot } from "../story/snapshot.js";
import { isWorkingAt } from "../story/transition.js";

/**
 * A gate job whose worker kept dying until its tries were spent is failed for good in the queue;
 * without this its story would show "running" with nothing running, for ever. The story holds on
 * the gate's hold instead (lifted by `/wave retry`), saying what happened. A story that already
 * left that gate is left alone.
 */
export async function holdExhaustedGate(deps: EngineDeps, storyId: string, gate: string, takeovers: number): Promise<void> {
  const story = await loadStory(deps.pool, storyId);
  if (!story) return;
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  if (!isWorkingAt(snapshot, gate)) return;
  const reason =
    `the worker running the ${gate} gate stopped ${takeovers} time(s) before it finished (a crash, or a worker that was killed), ` +
    "and its tries are spent; nothing it did was applied. `/wave retry` runs the gate again.";
  await applyEvent(deps, storyId, { type: "GATE_FAILED", by: "wave", reason }, { gate, takeovers });
}
