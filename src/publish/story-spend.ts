import type { SpendRow } from "../checks/types.js";
import type { Pool } from "../store/db.js";

/**
 * A story's spend per role and model, as the ledger counts it: settled calls at
 * their cost, calls still in flight at their reserved worst case, failed calls not at all.
 */
export async function storySpendRows(pool: Pool, storyId: string): Promise<SpendRow[]> {
  const res = await pool.query(
    `SELECT role, model, count(*) FILTER (WHERE status <> 'failed')::int AS calls,
       COALESCE(SUM(input_tokens + cache_write_tokens + cache_read_tokens), 0)::bigint AS input_tokens,
       COALESCE(SUM(output_tokens), 0)::bigint AS output_tokens,
       COALESCE(SUM(CASE status WHEN 'settled' THEN cost_usd WHEN 'reserved' THEN worst_case_usd ELSE 0 END), 0) AS cost
     FROM model_calls WHERE story_id = $1 GROUP BY role, model ORDER BY role, model`,
    [storyId],
  );
  return (
    res.rows as {
      role: string;
      model: string;
      calls: number;
      input_tokens: number | string;
      output_tokens: number | string;
      cost: string | number;
    }[]
  ).map((r) => ({
    role: r.role,
    model: r.model,
    calls: Number(r.calls),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: Number(r.cost),
  }));
}
