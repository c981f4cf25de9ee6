import type PgBoss from "pg-boss";
import type { EngineDeps } from "../engine/deps.js";
import { withTransaction } from "../store/db.js";
import { QUEUES, type QueueName } from "./queue.js";

export interface TakenOver {
  id: string;
  queue: QueueName;
  storyId: string | null;
  /** Seconds since the dead worker last renewed the lease. */
  staleSeconds: number;
  /** The gate a gate job was running (null for other queues). */
  gate: string | null;
  /** How many times this job's worker died under it, this one included. */
  takeovers: number;
  /** Its worker died more often than a crash is given back: the job failed for good, and its story must hold. */
  exhausted: boolean;
}

/**
 * A crash is not the job's failure, so a takeover gives the try back (the job's retry count goes back
 * by one, so the queue's backoff after a real failure later is not grown by the crashes either: with a
 * count raised by takeovers, one real failure waited 10–20 minutes), up to this many takeovers of the same job; past it a job that keeps killing its worker is
 * treated as failing, and once its tries are spent its story holds instead of waiting forever.
 */
export const MAX_TAKEOVERS = 10;

/**
 * Fails every active job whose heartbeat is older than the lease into its queue's retry, so
 * another worker takes it over, and returns them (the caller reaps their sandboxes). Row locks
 * (`SKIP LOCKED`) let every replica sweep at once without two failing the same job.
 */
export async function takeOverStaleJobs(deps: EngineDeps, leaseSeconds: number): Promise<TakenOver[]> {
  const boss: PgBoss = deps.boss;
  return withTransaction(deps.pool, async (tx) => {
    const stale = await tx.query(
      `SELECT j.id, j.name, j.data->>'storyId' AS story_id, j.data->>'gate' AS gate,
              COALESCE((j.data->>'takeovers')::int, 0) AS takeovers,
              EXTRACT(epoch FROM now() - COALESCE(l.renewed_at, j.started_on))::float AS stale
         FROM pgboss.job j LEFT JOIN job_leases l ON l.job_id = j.id
        WHERE j.name = ANY($1) AND j.state = 'active'
          AND COALESCE(l.renewed_at, j.started_on) < now() - make_interval(secs => $2)
        FOR UPDATE OF j SKIP LOCKED`,
      [Object.values(QUEUES), leaseSeconds],
    );
    const taken: TakenOver[] = [];
    for (const r of stale.rows as {
      id: string;
      name: QueueName;
      story_id: string | null;
      gate: string | null;
      takeovers: number;
      stale: number;
    }[]) {
      const takeovers = r.takeovers + 1;
      await tx.query(
        `UPDATE pgboss.job SET data = jsonb_set(COALESCE(data, '{}'::jsonb), '{takeovers}', to_jsonb($2::int)),
                retry_count = CASE WHEN $2::int <= $3::int THEN GREATEST(retry_count - 1, 0) ELSE retry_count END
          WHERE id = $1`,
        [r.id, takeovers, MAX_TAKEOVERS],
      );
      await boss.fail(
        r.name,
        r.id,
        { message: `worker stopped renewing its lease ${Math.round(r.stale)} s ago; taken over` },
        { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } },
      );
      // A crash is not the job's failure: it runs again now, not after the queue's growing backoff.
      await tx.query(`UPDATE pgboss.job SET start_after = now() WHERE id = $1 AND state = 'retry'`, [r.id]);
      await tx.query(`DELETE FROM job_leases WHERE job_id = $1`, [r.id]);
      const after = (await tx.query(`SELECT state FROM pgboss.job WHERE id = $1`, [r.id])).rows[0] as { state: string } | undefined;
      taken.push({
        id: r.id,
        queue: r.name,
        storyId: r.story_id,
        staleSeconds: r.stale,
        gate: r.gate,
        takeovers,
        exhausted: after?.state === "failed",
      });
    }
    return taken;
  });
}
