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

/**
 * Runs a job's work while renewing its lease (the heartbeat). pg-boss 10 has no heartbeat of its
 * own: without this a job whose worker died stays `active` until its whole expiry (an hour for a
 * gate). The lease row goes when the work ends, whatever the outcome.
 */
export async function withLease<T>(
  pool: Pool,
  job: { id: string; queue: string },
  tuning: LeaseTuning,
  work: () => Promise<T>,
): Promise<T> {
  const renew = () =>
    pool.query(
      `INSERT INTO job_leases (job_id, queue, worker) VALUES ($1, $2, $3) ON CONFLICT (job_id) DO UPDATE SET renewed_at = now(), worker = EXCLUDED.worker`,
      [job.id, job.queue, WORKER_ID],
    );
  await renew();
  const timer = setInterval(() => void renew().catch(() => undefined), tuning.renewSeconds * 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await pool.query(`DELETE FROM job_leases WHERE job_id = $1 AND worker = $2`, [job.id, WORKER_ID]).catch(() => undefined);
  }
}
