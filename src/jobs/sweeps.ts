import type { EngineDeps } from "../engine/deps.js";
import type { SandboxControl } from "../engine/ports.js";
import { QUEUES } from "./queue.js";
import { requeueOrphanedOutbox } from "./requeue-outbox.js";
import { holdExhaustedGate } from "./hold-exhausted-gate.js";
import { takeOverStaleJobs } from "./takeover.js";

export interface Sweeps {
  /** One pass now (tests, and the first pass at boot). */
  run(): Promise<void>;
  stop(): void;
}

/**
 * The periodic passes every replica runs: take over jobs whose worker's heartbeat stopped,
 * reaping that worker's sandboxes for the story at the same moment, and re-queue outbox rows
 * left without a job. Each pass is safe to run on several replicas at once.
 */
export function startSweeps(deps: EngineDeps, sandbox: SandboxControl, options: { leaseSeconds: number; everySeconds: number }): Sweeps {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      for (const job of await takeOverStaleJobs(deps, options.leaseSeconds)) {
        deps.log.warn(
          { jobId: job.id, queue: job.queue, storyId: job.storyId, staleSeconds: job.staleSeconds },
          "took over a job whose worker stopped renewing its lease",
        );
        if (job.queue === QUEUES.gate && job.storyId && job.exhausted && job.gate) {
          await holdExhaustedGate(deps, job.storyId, job.gate, job.takeovers).catch((error: unknown) =>
            deps.log.warn(
              { err: error, storyId: job.storyId },
              "could not hold the story whose gate job failed for good; the next pass retries",
            ),
          );
        }
        if (job.queue === QUEUES.gate && job.storyId) {
          await sandbox
            .stopStory(job.storyId)
            .catch((error: unknown) =>
              deps.log.warn({ err: error, storyId: job.storyId }, "could not reap the dead worker's sandbox; the reaper will"),
            );
        }
      }
      const requeued = await requeueOrphanedOutbox(deps);
      if (requeued.length > 0) deps.log.info({ stories: requeued }, "re-queued outbox rows that had no effects job");
    } catch (error) {
      deps.log.warn({ err: error }, "a sweep pass failed; the next one retries");
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), options.everySeconds * 1000);
  timer.unref();
  return { run, stop: () => clearInterval(timer) };
}
