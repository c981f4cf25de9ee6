import type Docker from "dockerode";
import { LABELS } from "./labels.js";

/** Whether a job still exists (queued, active or retrying); the lead passes a check against the job queue. */
export type IsJobAlive = (jobId: string, storyId: string) => Promise<boolean>;

export interface ReapOptions {
  isJobAlive: IsJobAlive;
  /** Only this instance's containers; by default every replica's (the queue is shared). */
  instance?: string;
  /**
   * Only this deployment's containers. A deployment is one database: its job queue is the only
   * one that can say whether a job is alive, so another deployment's sandboxes on the same host
   * are never judged by it.
   */
  deployment?: string;
  now?: () => number;
}

export interface ReapResult {
  removed: { id: string; jobId: string; reason: "job-gone" | "deadline" | "stopped" }[];
  kept: number;
}

/**
 * Removes WAVE sandbox containers that no longer serve a job: the job is gone, the deadline
 * written on the container passed, or the container already stopped. Run at boot and on a
 * period, so a crash or restart leaves nothing behind.
 */
export async function reapSandboxes(docker: Docker, options: ReapOptions): Promise<ReapResult> {
  const now = (options.now ?? Date.now)();
  const label: string[] = [LABELS.job];
  if (options.instance !== undefined) label.push(`${LABELS.instance}=${options.instance}`);
  if (options.deployment !== undefined) label.push(`${LABELS.deployment}=${options.deployment}`);
  const containers = await docker.listContainers({ all: true, filters: { label } });
  const result: ReapResult = { removed: [], kept: 0 };
  for (const info of containers) {
    const jobId = info.Labels[LABELS.job] ?? "";
    const storyId = info.Labels[LABELS.story] ?? "";
    const deadline = Number(info.Labels[LABELS.deadline]);
    let reason: ReapResult["removed"][number]["reason"] | undefined;
    if (info.State !== "running" && info.State !== "created") reason = "stopped";
    else if (Number.isFinite(deadline) && deadline < now) reason = "deadline";
    else if (!(await options.isJobAlive(jobId, storyId))) reason = "job-gone";
    if (reason === undefined) {
      result.kept += 1;
      continue;
    }
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      result.removed.push({ id: info.Id.slice(0, 12), jobId, reason });
    } catch (error) {
      // Removed by someone else in the meantime: that is the outcome we wanted.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return result;
}

/**
 * Reaps now and then every `intervalSeconds`. Errors go to `onError` (the reaper keeps going).
 * Returns a stop function; the timer does not keep the process alive.
 */
export function startReaper(
  docker: Docker,
  options: ReapOptions & { intervalSeconds: number; onResult?: (result: ReapResult) => void; onError?: (error: unknown) => void },
): () => void {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const result = await reapSandboxes(docker, options);
      options.onResult?.(result);
    } catch (error) {
      options.onError?.(error);
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), options.intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
