import type { Pool, Tx } from "./db.js";

export interface AuditEntry {
  storyId: string | null;
  owner: string | null;
  actor: string;
  event: string;
  fromState: string | null;
  toState: string | null;
  detail?: Record<string, unknown>;
}

export async function appendAudit(tx: Tx | Pool, e: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO audit_events (story_id, owner, actor, event, from_state, to_state, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.storyId, e.owner, e.actor, e.event, e.fromState, e.toState, JSON.stringify(e.detail ?? {})],
  );
}

export interface AuditRow extends AuditEntry {
  id: number;
  at: Date;
}

export async function recentAudit(db: Tx | Pool, storyId: string, limit = 10): Promise<AuditRow[]> {
  const res = await db.query(
    `SELECT id, story_id, owner, actor, event, from_state, to_state, detail, at FROM audit_events WHERE story_id = $1 ORDER BY id DESC LIMIT $2`,
    [storyId, limit],
  );
  return res.rows.map((r) => ({
    id: r.id,
    storyId: r.story_id,
    owner: r.owner,
    actor: r.actor,
    event: r.event,
    fromState: r.from_state,
    toState: r.to_state,
    detail: r.detail,
    at: r.at,
  }));
}
