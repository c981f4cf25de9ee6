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
  const res = await db.query(`SELECT id, story_id, effect, attempts FROM outbox WHERE story_id = $1 AND delivered_at IS NULL ORDER BY id`, [storyId]);
  return res.rows.map((r) => ({ id: r.id, storyId: r.story_id, effect: r.effect, attempts: r.attempts }));
}

export async function markDelivered(db: Pool | Tx, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(`UPDATE outbox SET delivered_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::bigint[])`, [ids]);
}

export async function markAttemptFailed(db: Pool | Tx, id: number, error: string): Promise<void> {
  await db.query(`UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error.slice(0, 2000)]);
}
