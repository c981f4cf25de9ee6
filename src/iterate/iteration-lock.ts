import type { Pool } from "../store/db.js";

/**
 * Runs `fn` holding the story's iteration lock (a session advisory lock on its own
 * connection). The review handler's "is an iteration in flight? then queue, else start
 * one" and the review gate's "answer the running ones, start the queued ones" take it, so
 * a review arriving while an iteration finishes is either queued before the gate looks
 * or sees no iteration in flight, never lost between the two.
 */
export async function withIterationLock<T>(pool: Pool, storyId: string, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext('wave-iteration'), hashtext($1))`, [storyId]);
    try {
      return await fn();
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtext('wave-iteration'), hashtext($1))`, [storyId]);
    }
  } finally {
    client.release();
  }
}
