import type { StoryRow } from "../store/stories.js";
import { loadStory } from "../store/stories.js";
import type { StoryEvent } from "../story/events.js";
import type { Gate } from "../story/machine.js";
import { readSnapshot, type StoredSnapshot } from "../story/snapshot.js";
import { isWorkingAt, statusOf } from "../story/transition.js";
import { CacheEntryTooLarge } from "../cache/index.js";
import { ConfigError, RepositoryTooLarge, SandboxHold, userMessage } from "../errors.js";
import { applyEvent } from "./apply-event.js";
import type { EngineDeps } from "./deps.js";

/**
 * Does one gate's work for a story and answers with the event that reports it
 * (PLAN_READY, VERIFY_FAILED…), or null when the work itself already sent one.
 * Throwing means "try again"; the last failed try holds the story.
 */
/** `job.signal` aborts when the job was taken over by another worker: stop, and return nothing worth applying. */
export type GateWorker = (
  story: StoryRow,
  snapshot: StoredSnapshot,
  job: { id: string; signal?: AbortSignal },
) => Promise<StoryEvent | null>;

export type GateWorkers = Partial<Record<Gate, GateWorker>>;

export interface GateJob {
  storyId: string;
  gate: Gate;
  version: number;
}

/**
 * The `wave-gate` job: the work is chosen from the story's current state, not
 * from the job's data, so a stale job (the story moved on, was held or killed)
 * does nothing, and duplicates collapse.
 */
export async function runGateJob(
  deps: EngineDeps,
  workers: GateWorkers,
  job: GateJob,
  attempt: { isLast: boolean; jobId: string; signal?: AbortSignal },
): Promise<string> {
  const story = await loadStory(deps.pool, job.storyId);
  if (!story) return "story gone";
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  if (!isWorkingAt(snapshot, job.gate)) {
    return `stale: story is ${statusOf(snapshot)} at ${snapshot.context.step}`;
  }
  const worker = workers[job.gate];
  if (!worker) {
    // Not faked: the story waits here, visibly, until this gate's worker exists.
    deps.log.info({ storyId: story.id, gate: job.gate }, "no worker for this gate in this version of WAVE; the story waits");
    return `waiting: no ${job.gate} worker`;
  }
  const signal = attempt.signal;
  try {
    const event = await worker(story, snapshot, { id: attempt.jobId, ...(signal ? { signal } : {}) });
    // Taken over while it ran: the new worker's result is the one that counts; this one is dropped.
    if (signal?.aborted) {
      deps.log.warn({ storyId: story.id, gate: job.gate, jobId: attempt.jobId }, "gate job taken over; its result is not applied");
      return `${job.gate}: taken over, result dropped`;
    }
    if (event) await applyEvent(deps, story.id, event, { gate: job.gate });
    return event ? `${job.gate}: ${event.type}` : `${job.gate}: done`;
  } catch (error) {
    if (signal?.aborted) return `${job.gate}: taken over, stopped`;
    // Retrying cannot shrink a repository over its cap, grow the host's cache or fix the story's
    // config (it was read at intake): hold now, with the message naming the size or the key.
    const retryable = !(
      error instanceof RepositoryTooLarge ||
      error instanceof CacheEntryTooLarge ||
      error instanceof ConfigError ||
      error instanceof SandboxHold
    );
    if (!attempt.isLast && retryable) throw error;
    await applyEvent(deps, story.id, { type: "GATE_FAILED", by: "wave", reason: userMessage(error) }, { gate: job.gate });
    return `${job.gate}: failed for good: ${userMessage(error)}`;
  }
}
