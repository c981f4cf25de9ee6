import type { Effect } from "../effects/effect.js";
import type { Pool, Tx } from "./db.js";

export interface OutboxRow {
  id: number;
  storyId: string;
  effect: Effect;
  attempts: number;
}

export async function addEffects(tx: Tx, storyId: string, effects: Effect[]): Promise<void> {
  if (effects.length === 0) return;
  const values: unknown[] = [storyId];
  const rows = effects.map((e) => {
    values.push(JSON.stringify(e));
    return `($1, $${values.length})`;
  });
  await tx.query(`INSERT INTO outbox (story_id, effect) VALUES ${rows.join(", ")}`, values);
}

export async function pendingEffects(db: Pool | Tx, storyId: string): Promise<OutboxRow[]> {
  const res = await db.query(
    `SELECT id, story_id, effect, attempts FROM outbox WHERE story_id = $1 AND delivered_at IS NULL AND failed_at IS NULL ORDER BY id`,
    [storyId],
  );
  return res.rows.map((r) => ({ id: r.id, storyId: r.story_id, effect: r.effect, attempts: r.attempts }));
}

export async function markDelivered(db: Pool | Tx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`, [ids]);
}

export async function markAttemptFailed(db: Pool | Tx, id: number, error: string): Promise<void> {
  await db.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error.slice(0, 2000)]);
}

/** Dead-letters a row: it can never succeed (a permanent refusal); kept with its reason, out of the way of the rest. */
export async function markDeadLettered(db: Pool | Tx, id: number, error: string): Promise<void> {
  await db.query(`UPDATE outbox SET failed_at = now(), attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error.slice(0, 2000)]);
}

/** The distinct reasons of a story's dead-lettered effects, newest last (at most `limit`). */
export async function deadLetterReasons(db: Pool | Tx, storyId: string, limit = 5): Promise<string[]> {
  const res = await db.query(
    `SELECT reason FROM (SELECT last_error AS reason, max(id) AS newest FROM outbox WHERE story_id = $1 AND failed_at IS NOT NULL GROUP BY last_error) r ORDER BY newest DESC LIMIT $2`,
    [storyId, limit],
  );
  return (res.rows as { reason: string }[]).map((r) => r.reason).reverse();
}
