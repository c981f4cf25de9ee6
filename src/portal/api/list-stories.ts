import type { Pool } from "../../store/db.js";
import { SUMMARY_COLUMNS, toSummary, WAITING_SQL, type StorySummary } from "./story-summary.js";

export interface StoryFilter {
  /** Only these repositories (what the person may read). */
  repoIds: ReadonlySet<number>;
  status?: StorySummary["status"] | undefined;
  /** "owner/repo", case-insensitive. */
  repository?: string | undefined;
  waitingForHuman?: boolean | undefined;
  cursor?: string | undefined;
  limit: number;
}

export class BadCursor extends Error {}

/** The cursor is the last row's (created_at, id), opaque to clients. */
function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString("base64url");
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === "string" &&
      typeof value[1] === "string" &&
      !Number.isNaN(Date.parse(value[0]))
    ) {
      return [value[0], value[1]];
    }
  } catch {
    // fall through
  }
  throw new BadCursor("the cursor is not one this API returned; start again without it");
}

/**
 * Newest first, keyset-paginated (stable while stories are added, and as fast
 * on page 200 as on page 1): the index on (created_at DESC, id DESC) serves it.
 */
export async function listStories(pool: Pool, filter: StoryFilter): Promise<{ stories: StorySummary[]; nextCursor: string | null }> {
  const values: unknown[] = [[...filter.repoIds]];
  const where = [`s.repo_id = ANY($1::bigint[])`];
  if (filter.status) {
    values.push(filter.status);
    where.push(`s.status = $${values.length}`);
  }
  if (filter.repository) {
    const [owner, repo] = filter.repository.split("/");
    values.push(owner ?? "", repo ?? "");
    where.push(`lower(s.owner) = lower($${values.length - 1}) AND lower(s.repo) = lower($${values.length})`);
  }
  if (filter.waitingForHuman !== undefined) where.push(filter.waitingForHuman ? WAITING_SQL : `NOT ${WAITING_SQL}`);
  if (filter.cursor) {
    const [createdAt, id] = decodeCursor(filter.cursor);
    values.push(createdAt, id);
    where.push(`(s.created_at, s.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(filter.limit + 1);
  const res = await pool.query(
    `SELECT ${SUMMARY_COLUMNS}, to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_exact
     FROM stories s WHERE ${where.join(" AND ")} ORDER BY s.created_at DESC, s.id DESC LIMIT $${values.length}`,
    values,
  );
  const rows = res.rows as Record<string, unknown>[];
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    stories: page.map(toSummary),
    // Microsecond precision: a JS Date would round and skip or repeat rows at the page edge.
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.created_exact as string, last.id as string) : null,
  };
}
