import { randomUUID } from "node:crypto";
import type { Pool } from "../store/db.js";

/** How long a running job's heartbeat stays good, and how often its worker renews it. */
export interface LeaseTuning {
  leaseSeconds: number;
  renewSeconds: number;
}

export function leaseTuningFromEnv(env: NodeJS.ProcessEnv = process.env): LeaseTuning {
  const raw = Number(env.WAVE_JOB_LEASE_SECONDS);
  const leaseSeconds = Number.isFinite(raw) && raw >= 3 ? raw : 15;
  // A few renewals fit in one lease, so one slow query or a busy event loop does not lose it.
  return { leaseSeconds, renewSeconds: Math.max(1, Math.floor(leaseSeconds / 5)) };
}

/** This process, as written on the leases it holds (for the log of a takeover). */
export const WORKER_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;

/** The job's lease went to another worker (a sweep took the job over): this worker's result must not be applied. */
export class LeaseLost extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was taken over by another worker; this worker stops and applies nothing`);
    this.name = "LeaseLost";
  }
}

/**
 * Runs a job's work while renewing its lease (the heartbeat). pg-boss 10 has no heartbeat of its
 * own: without this a job whose worker died stays `active` until its whole expiry (an hour for a
 * gate). The lease row goes when the work ends, whatever the outcome.
 *
 * A worker that is alive but was taken over (paused past its lease: a stalled event loop, a
 * frozen VM) finds at its next renewal that the lease is gone or another worker's: it never takes
 * it back, `signal` aborts with `LeaseLost`, and the work must stop and apply nothing.
 */
export async function withLease<T>(
  pool: Pool,
  job: { id: string; queue: string },
  tuning: LeaseTuning,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const lost = new AbortController();
  // The owner is this run, not this process: a job taken over from a stalled run can be picked up
  // again by the same process, and then the old run must neither keep renewing the new run's lease
  // nor delete it when it ends.
  const owner = `${WORKER_ID}/${randomUUID().slice(0, 8)}`;
  // The first write claims the lease (a retried job's new worker replaces the old one's row); later ones only renew our own.
  await pool.query(
    `INSERT INTO job_leases (job_id, queue, worker) VALUES ($1, $2, $3) ON CONFLICT (job_id) DO UPDATE SET renewed_at = now(), worker = EXCLUDED.worker`,
    [job.id, job.queue, owner],
  );
  const renew = async () => {
    const res = await pool.query(`UPDATE job_leases SET renewed_at = now() WHERE job_id = $1 AND worker = $2`, [job.id, owner]);
    if (res.rowCount === 0 && !lost.signal.aborted) lost.abort(new LeaseLost(job.id));
  };
  const timer = setInterval(() => void renew().catch(() => undefined), tuning.renewSeconds * 1000);
  try {
    return await work(lost.signal);
  } finally {
    clearInterval(timer);
    await pool.query(`DELETE FROM job_leases WHERE job_id = $1 AND worker = $2`, [job.id, owner]).catch(() => undefined);
  }
}
