import type { Pool } from "../../store/db.js";
import { WAITING_SQL } from "./story-summary.js";

export interface Overview {
  byState: { repository: string; status: string; count: number }[];
  waiting: number;
  spentTodayUsd: number;
  spentWeekUsd: number;
  /** Organisations (owners) under an emergency stop, among those the person can see. */
  stopped: { owner: string; by: string | null; at: string | null; reason: string | null }[];
}

/** The organisation overview's numbers, over the repositories the person may read. */
export async function loadOverview(pool: Pool, repoIds: ReadonlySet<number>, owners: readonly string[]): Promise<Overview> {
  const ids = [...repoIds];
  const [states, waiting, spend, stops] = await Promise.all([
    pool.query(
      `SELECT owner || '/' || repo AS repository, status, count(*)::int AS n FROM stories WHERE repo_id = ANY($1::bigint[]) GROUP BY 1, 2 ORDER BY 1, 2`,
      [ids],
    ),
    pool.query(`SELECT count(*)::int AS n FROM stories s WHERE s.repo_id = ANY($1::bigint[]) AND ${WAITING_SQL}`, [ids]),
    pool.query(
      `SELECT COALESCE(sum(COALESCE(cost_usd, CASE WHEN status = 'reserved' THEN worst_case_usd ELSE 0 END)) FILTER (WHERE at >= date_trunc('day', now())), 0) AS today,
              COALESCE(sum(COALESCE(cost_usd, CASE WHEN status = 'reserved' THEN worst_case_usd ELSE 0 END)) FILTER (WHERE at >= date_trunc('week', now())), 0) AS week
       FROM model_calls WHERE repo_id = ANY($1::bigint[]) AND at >= LEAST(date_trunc('day', now()), date_trunc('week', now()))`,
      [ids],
    ),
    pool.query(`SELECT owner, stopped_by, stopped_at, reason FROM org_controls WHERE stopped AND lower(owner) = ANY($1::text[])`, [
      owners.map((o) => o.toLowerCase()),
    ]),
  ]);
  const s = spend.rows[0] as { today: string; week: string };
  return {
    byState: states.rows.map((r: Record<string, unknown>) => ({
      repository: r.repository as string,
      status: r.status as string,
      count: r.n as number,
    })),
    waiting: (waiting.rows[0] as { n: number }).n,
    spentTodayUsd: Number(s.today),
    spentWeekUsd: Number(s.week),
    stopped: stops.rows.map((r: Record<string, unknown>) => ({
      owner: r.owner as string,
      by: (r.stopped_by as string | null) ?? null,
      at: r.stopped_at ? (r.stopped_at as Date).toISOString() : null,
      reason: (r.reason as string | null) ?? null,
    })),
  };
}
