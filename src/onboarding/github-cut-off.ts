import type { Pool } from "../store/db.js";

/**
 * Whether GitHub has cut WAVE off from a repository: its installation is suspended or
 * deleted, or the repository was removed from it. Then no GitHub request is made for
 * the repository's stories (any would fail, and a deleted installation's would be
 * noise in the organisation's audit log).
 */
export async function githubCutOff(pool: Pool, installationId: number, repositoryId: number): Promise<string | null> {
  const res = await pool.query(
    `SELECT CASE WHEN i.deleted_at IS NOT NULL THEN 'installation deleted' WHEN i.suspended_at IS NOT NULL THEN 'installation suspended' END AS installation,
            (SELECT 'repository removed from the installation' FROM wave_removed_repositories r WHERE r.repository_id = $2) AS repository
     FROM (SELECT 1) one LEFT JOIN wave_installations i ON i.id = $1`,
    [installationId, repositoryId],
  );
  const row = res.rows[0] as { installation: string | null; repository: string | null } | undefined;
  return row?.installation ?? row?.repository ?? null;
}
