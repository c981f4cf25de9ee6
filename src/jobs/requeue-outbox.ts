import type { EngineDeps } from "../engine/deps.js";
import { withTransaction } from "../store/db.js";
import { enqueue, QUEUES } from "./queue.js";

/**
 * Queues an effects job for every story whose outbox has pending rows and no effects job
 * queued, retrying or running: what is left when a job's retries ran out during an outage, so
 * the outbox drains once GitHub is back. Returns the stories re-queued.
 */
export async function requeueOrphanedOutbox(deps: EngineDeps): Promise<string[]> {
  return withTransaction(deps.pool, async (tx) => {
    const res = await tx.query(
      `SELECT DISTINCT o.story_id FROM outbox o
        WHERE o.delivered_at IS NULL AND o.failed_at IS NULL AND o.created_at < now() - interval '5 seconds'
          AND NOT EXISTS (SELECT 1 FROM pgboss.job j WHERE j.name = $1 AND j.singleton_key = o.story_id::text AND j.state IN ('created', 'retry', 'active'))`,
      [QUEUES.effects],
    );
    const ids = (res.rows as { story_id: string }[]).map((r) => r.story_id);
    for (const storyId of ids) await enqueue(deps.boss, tx, QUEUES.effects, { storyId }, { singletonKey: storyId });
    return ids;
  });
}
