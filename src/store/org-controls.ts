import type { Pool, Tx } from "./db.js";

export interface OrgStop {
  by: string;
  at: Date;
  reason: string | null;
}

/** The organisation's emergency stop, or null when it is off. */
export async function orgStop(db: Pool | Tx, owner: string): Promise<OrgStop | null> {
  const res = await db.query(`SELECT stopped_by, stopped_at, reason FROM org_controls WHERE lower(owner) = lower($1) AND stopped`, [owner]);
  const r = res.rows[0];
  return r ? { by: r.stopped_by, at: r.stopped_at, reason: r.reason } : null;
}

export async function setOrgStop(db: Pool | Tx, owner: string, stop: { by: string; reason: string | null } | null): Promise<void> {
  await db.query(
    `INSERT INTO org_controls (owner, stopped, stopped_by, stopped_at, reason) VALUES (lower($1), $2, $3, now(), $4)
     ON CONFLICT (owner) DO UPDATE SET stopped = EXCLUDED.stopped, stopped_by = EXCLUDED.stopped_by, stopped_at = EXCLUDED.stopped_at, reason = EXCLUDED.reason`,
    [owner, stop !== null, stop?.by ?? null, stop?.reason ?? null],
  );
}
