import type { PermissionLevel } from "../config/sections/commands.js";
import { permissionLevel } from "../config/sections/commands.js";
import type { Pool, Tx } from "../store/db.js";
import { z } from "zod";
import type { AuditEntry } from "./render/status.js";

/** The audit event every `/wave` comment, review or button click is recorded under, accepted or not. */
export const COMMAND_EVENT = "COMMAND";

export interface CommandRecord {
  deliveryId: string;
  /** The story the commands were about; null for organisation commands and issues without a story. */
  storyId: string | null;
  /** The repository's owner (organisation or user). */
  owner: string;
  repository: string;
  /** Issue or pull request number; null for a button on a run without one. */
  number: number | null;
  source: "issue_comment" | "pull_request_review" | "check_run" | "portal";
  actor: string;
  role: PermissionLevel | null;
  commands: string[];
  verdict: AuditEntry["verdict"];
  note?: string;
  /** `organisation` for stop-all/resume-all, so every story's status shows them. */
  scope: "story" | "organisation";
}

type Db = Pool | Tx;

/**
 * Records one command comment once per delivery: a retried job finds the row
 * it wrote before and adds nothing (audit rows can never be changed).
 */
export async function recordCommand(db: Db, record: CommandRecord): Promise<void> {
  const { deliveryId, storyId, owner, actor, ...rest } = record;
  await db.query(
    `INSERT INTO audit_events (story_id, owner, actor, event, from_state, to_state, detail)
     SELECT $1, $2, $3, $4, NULL, NULL, $5
     WHERE NOT EXISTS (SELECT 1 FROM audit_events WHERE event = $4 AND detail->>'deliveryId' = $6)`,
    [storyId, owner, actor, COMMAND_EVENT, JSON.stringify({ deliveryId, ...rest }), deliveryId],
  );
}

/**
 * Whether this delivery already sent `event` to the story (applied or not),
 * so a retried job does not apply a command twice. `applied` tells which.
 */
export async function earlierAttempt(db: Db, storyId: string, event: string, deliveryId: string): Promise<{ applied: boolean } | null> {
  const res = await db.query(
    `SELECT detail FROM audit_events WHERE story_id = $1 AND event = $2 AND detail->>'deliveryId' = $3 ORDER BY id LIMIT 1`,
    [storyId, event, deliveryId],
  );
  const row = res.rows[0] as { detail: { ignored?: boolean } } | undefined;
  return row ? { applied: row.detail.ignored !== true } : null;
}

const storedDetail = z.object({
  role: permissionLevel.nullable().catch(null),
  commands: z.array(z.string()).catch([]),
  verdict: z.enum(["accepted", "refused", "invalid"]).catch("invalid"),
  note: z.string().optional().catch(undefined),
});

/** The story's last commands, newest first, with the organisation's stop-all/resume-all among them. */
export async function recentCommands(db: Db, story: { id: string; owner: string }, limit = 5): Promise<AuditEntry[]> {
  const res = await db.query(
    `SELECT actor, detail, at FROM audit_events
     WHERE event = $1 AND (story_id = $2 OR (story_id IS NULL AND lower(owner) = lower($3) AND detail->>'scope' = 'organisation'))
     ORDER BY id DESC LIMIT $4`,
    [COMMAND_EVENT, story.id, story.owner, limit],
  );
  return (res.rows as { actor: string; detail: unknown; at: Date }[]).map((row) => {
    const detail = storedDetail.parse(row.detail);
    return {
      at: row.at,
      actor: row.actor,
      role: detail.role,
      commands: detail.commands,
      verdict: detail.verdict,
      ...(detail.note ? { note: detail.note } : {}),
    };
  });
}
