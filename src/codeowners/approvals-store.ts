import type { Pool } from "../store/db.js";

/**
 * Records that `login` approved `paths` of the story's pull request at
 * `headSha`, and returns every path approved at that head so far. Approvals
 * at an older head do not count: a push withdraws them.
 */
export async function recordCodeOwnerApproval(
  pool: Pool,
  approval: { storyId: string; headSha: string; login: string; paths: readonly string[] },
): Promise<Set<string>> {
  await pool.query(
    `INSERT INTO code_owner_approvals (story_id, head_sha, login, paths) VALUES ($1, $2, $3, $4)
     ON CONFLICT (story_id, head_sha, login) DO UPDATE SET paths = EXCLUDED.paths, approved_at = now()`,
    [approval.storyId, approval.headSha, approval.login.toLowerCase(), [...approval.paths]],
  );
  const res = await pool.query(`SELECT DISTINCT unnest(paths) AS path FROM code_owner_approvals WHERE story_id = $1 AND head_sha = $2`, [
    approval.storyId,
    approval.headSha,
  ]);
  return new Set(res.rows.map((row) => String((row as { path: string }).path)));
}
