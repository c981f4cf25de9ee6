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
}

/**
 * Fails every active job whose heartbeat is older than the lease into its queue's retry, so
 * another worker takes it over, and returns them (the caller reaps their sandboxes). Row locks
 * (`SKIP LOCKED`) let every replica sweep at once without two failing the same job.
 */
export async function takeOverStaleJobs(deps: EngineDeps, leaseSeconds: number): Promise<TakenOver[]> {
  const boss: PgBoss = deps.boss;
  return withTransaction(deps.pool, async (tx) => {
    const stale = await tx.query(
      `SELECT j.id, j.name, j.data->>'storyId' AS story_id,
              EXTRACT(epoch FROM now() - COALESCE(l.renewed_at, j.started_on))::float AS stale
         FROM pgboss.job j LEFT JOIN job_leases l ON l.job_id = j.id
        WHERE j.name = ANY($1) AND j.state = 'active'
          AND COALESCE(l.renewed_at, j.started_on) < now() - make_interval(secs => $2)
        FOR UPDATE OF j SKIP LOCKED`,
      [Object.values(QUEUES), leaseSeconds],
    );
    const taken: TakenOver[] = [];
    for (const r of stale.rows as { id: string; name: QueueName; story_id: string | null; stale: number }[]) {
      await boss.fail(
        r.name,
        r.id,
        { message: `worker stopped renewing its lease ${Math.round(r.stale)} s ago; taken over` },
        { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } },
      );
      // A crash is not the job's failure: it runs again now, not after the queue's growing backoff.
      await tx.query(`UPDATE pgboss.job SET start_after = now() WHERE id = $1 AND state = 'retry'`, [r.id]);
      await tx.query(`DELETE FROM job_leases WHERE job_id = $1`, [r.id]);
      taken.push({ id: r.id, queue: r.name, storyId: r.story_id, staleSeconds: r.stale });
    }
    return taken;
  });
}
