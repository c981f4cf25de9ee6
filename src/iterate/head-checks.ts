import type { RequiredChecks } from "../github/required-checks.js";
import type { Pool } from "../store/db.js";

/** What the repository's own checks say on one head: still running, all passed, or some failed (`detail` names them). */
export interface HeadChecks {
  headSha: string;
  state: "waiting" | "passed" | "failed";
  detail: string;
  /** The base branch's required checks as read for this head (read once per head, then taken from here). */
  required: RequiredChecks | null;
}

/** Stores the state for the story's head; true when it changed (so `wave/gates` is worth re-rendering). */
export async function saveHeadChecks(pool: Pool, storyId: string, checks: HeadChecks): Promise<boolean> {
  const required = checks.required ? JSON.stringify(checks.required) : null;
  const res = await pool.query(
    `INSERT INTO story_head_checks (story_id, head_sha, state, detail, required) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (story_id) DO UPDATE SET head_sha = EXCLUDED.head_sha, state = EXCLUDED.state, detail = EXCLUDED.detail,
       required = EXCLUDED.required, updated_at = now()
       WHERE (story_head_checks.head_sha, story_head_checks.state, story_head_checks.detail, story_head_checks.required)
         IS DISTINCT FROM (EXCLUDED.head_sha, EXCLUDED.state, EXCLUDED.detail, EXCLUDED.required)`,
    [storyId, checks.headSha, checks.state, checks.detail, required],
  );
  return (res.rowCount ?? 0) > 0;
}

/** The repository's checks on `headSha`, when a suite or run of another app has reported on it. */
export async function loadHeadChecks(pool: Pool, storyId: string, headSha: string): Promise<HeadChecks | null> {
  const res = await pool.query(`SELECT head_sha, state, detail, required FROM story_head_checks WHERE story_id = $1 AND head_sha = $2`, [
    storyId,
    headSha,
  ]);
  const r = res.rows[0] as { head_sha: string; state: HeadChecks["state"]; detail: string; required: RequiredChecks | null } | undefined;
  return r ? { headSha: r.head_sha, state: r.state, detail: r.detail, required: r.required } : null;
}
