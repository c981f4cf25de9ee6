import type PgBoss from "pg-boss";
import { QUEUES } from "../jobs/queue.js";
import type { Pool, Tx } from "../store/db.js";

/** A repository as installation webhooks describe it. */
export interface InstalledRepository {
  id: number;
  name: string;
  full_name: string;
  node_id?: string;
}

export interface InstallationFacts {
  id: number;
  accountLogin: string;
  accountType: string;
  repositorySelection: string;
  triggerLabel: string;
}

/** Records (or refreshes) an installation; a new `created` clears an earlier removal. */
export async function recordInstallation(tx: Tx | Pool, i: InstallationFacts): Promise<void> {
  await tx.query(
    `INSERT INTO wave_installations (id, account_login, account_type, repository_selection, trigger_label) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (id) DO UPDATE SET account_login = EXCLUDED.account_login, account_type = EXCLUDED.account_type,
       repository_selection = EXCLUDED.repository_selection, trigger_label = EXCLUDED.trigger_label, deleted_at = NULL, suspended_at = NULL`,
    [i.id, i.accountLogin, i.accountType, i.repositorySelection, i.triggerLabel],
  );
}

export async function installationTriggerLabel(pool: Pool, installationId: number): Promise<string | undefined> {
  const res = await pool.query(`SELECT trigger_label FROM wave_installations WHERE id = $1`, [installationId]);
  return res.rows[0]?.trigger_label as string | undefined;
}

/**
 * Adds an onboarding row and one queued job per repository not seen before, in one
 * transaction: a redelivered event, or one naming repositories already onboarded,
 * queues nothing. Returns how many were queued.
 */
export async function queueOnboarding(
  tx: Tx,
  boss: PgBoss,
  installationId: number,
  triggerLabel: string,
  repos: readonly InstalledRepository[],
): Promise<number> {
  if (repos.length === 0) return 0;
  const res = await tx.query(
    `INSERT INTO wave_onboarding (repository_id, installation_id, owner, repo, node_id, trigger_label)
     SELECT r.id, $1, split_part(r.full_name, '/', 1), r.name, r.node_id, $2
     FROM jsonb_to_recordset($3::jsonb) AS r(id bigint, name text, full_name text, node_id text)
     ON CONFLICT (repository_id) DO NOTHING RETURNING repository_id`,
    [installationId, triggerLabel, JSON.stringify(repos)],
  );
  const ids = res.rows.map((r) => Number(r.repository_id));
  if (ids.length > 0) {
    await boss.insert(
      ids.map((repositoryId) => ({ name: QUEUES.onboard, data: { repositoryId }, singletonKey: `onboard-${repositoryId}` })),
      { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) as Promise<{ rows: unknown[] }> } },
    );
  }
  return ids.length;
}
