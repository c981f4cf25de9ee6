import type { Pool, Tx } from "./db.js";

/**
 * Claims the creating write `key` (e.g. `status-comment`, `review:<sha>`) of a story. True for
 * the first attempt only: it may send without looking first, since nothing can exist yet. Every
 * later attempt gets false and must look for what an earlier one may have created (find before
 * create), because a crash can come between GitHub saving the write and WAVE storing its id.
 */
export async function claimFirstCreate(db: Pool | Tx, storyId: string, key: string): Promise<boolean> {
  const res = await db.query(`INSERT INTO create_claims (story_id, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING key`, [
    storyId,
    key,
  ]);
  return (res.rowCount ?? 0) > 0;
}
