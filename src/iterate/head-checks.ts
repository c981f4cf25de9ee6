import type { Pool } from "../store/db.js";

/** What the repository's own checks say on one head: still running, all passed, or some failed (`detail` names them). */
export interface HeadChecks {
  headSha: string;
  state: "waiting" | "passed" | "failed";
  detail: string;
}

/** Stores the state for the story's head; true when it changed (so `wave/gates` is worth re-rendering). */
export async function saveHeadChecks(pool: Pool, storyId: string, checks: HeadChecks): Promise<boolean> {
  const res = await pool.query(
    `INSERT INTO story_head_checks (story_id, head_sha, state, detail) VALUES ($1, $2, $3, $4)
     ON CONFLICT (story_id) DO UPDATE SET head_sha = EXCLUDED.head_sha, state = EXCLUDED.state, detail = EXCLUDED.detail, updated_at = now()
       WHERE (story_head_checks.head_sha, story_head_checks.state, story_head_checks.detail) IS DISTINCT FROM (EXCLUDED.head_sha, EXCLUDED.state, EXCLUDED.detail)`,
    [storyId, checks.headSha, checks.state, checks.detail],
  );
  return (res.rowCount ?? 0) > 0;
}

/** The repository's checks on `headSha`, when a suite of another app has reported on it. */
export async function loadHeadChecks(pool: Pool, storyId: string, headSha: string): Promise<HeadChecks | null> {
  const res = await pool.query(`SELECT head_sha, state, detail FROM story_head_checks WHERE story_id = $1 AND head_sha = $2`, [
    storyId,
    headSha,
  ]);
  const r = res.rows[0] as { head_sha: string; state: HeadChecks["state"]; detail: string } | undefined;
  return r ? { headSha: r.head_sha, state: r.state, detail: r.detail } : null;
}
