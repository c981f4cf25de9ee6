import type { IterationSpend, SpendRow } from "../checks/types.js";
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

/** What started a batch of iterations, in a few words; `trigger` is what the handler recorded. */
function triggerOf(row: { source: string; sender: string; trigger: string | null }): string {
  if (row.trigger) return row.trigger;
  if (row.source === "review") return `review by @${row.sender}`;
  if (row.source === "ci") return "CI";
  if (row.source === "base") return "base moved";
  return row.source;
}

/**
 * A story's spend per iteration: 0 is the first build, then one row per iteration sent to build
 * (`story_iterations`, oldest first). Reviews queued while one ran start together and finish in one
 * update, so they share `finished_at` (or are all still running) and are one iteration with their
 * triggers joined. A model call belongs to the latest iteration started when it was reserved
 * (`model_calls.iteration_id`); a `/wave recycle` counts with the iteration before it. Costs as in
 * `storySpendRows`. Empty before the first call; an iteration is listed once it made a call.
 */
export async function storyIterationSpend(pool: Pool, storyId: string): Promise<IterationSpend[]> {
  const [calls, started] = await Promise.all([
    pool.query(
      `SELECT iteration_id, count(*) FILTER (WHERE status <> 'failed')::int AS calls,
         COALESCE(SUM(CASE status WHEN 'settled' THEN cost_usd WHEN 'reserved' THEN worst_case_usd ELSE 0 END), 0) AS cost
       FROM model_calls WHERE story_id = $1 GROUP BY iteration_id`,
      [storyId],
    ),
    pool.query(
      `SELECT id, source, sender, trigger, finished_at FROM story_iterations WHERE story_id = $1 AND state <> 'queued' ORDER BY id`,
      [storyId],
    ),
  ]);
  const callRows = calls.rows as { iteration_id: string | number | null; calls: number; cost: string | number }[];
  if (callRows.length === 0) return [];
  const out: (IterationSpend & { ids: Set<number> })[] = [{ number: 0, trigger: "first build", calls: 0, costUsd: 0, ids: new Set() }];
  let batchKey: string | null = null;
  for (const r of started.rows as { id: string; source: string; sender: string; trigger: string | null; finished_at: Date | null }[]) {
    const key = r.finished_at ? r.finished_at.toISOString() : "running";
    const last = out[out.length - 1];
    if (last && last.number > 0 && key === batchKey) {
      last.ids.add(Number(r.id));
      const trigger = triggerOf(r);
      if (!last.trigger.split("; ").includes(trigger)) last.trigger = `${last.trigger}; ${trigger}`;
    } else out.push({ number: out.length, trigger: triggerOf(r), calls: 0, costUsd: 0, ids: new Set([Number(r.id)]) });
    batchKey = key;
  }
  for (const c of callRows) {
    const id = c.iteration_id === null ? null : Number(c.iteration_id);
    const into = (id === null ? undefined : out.find((i) => i.ids.has(id))) ?? out[0];
    if (!into) continue;
    into.calls += Number(c.calls);
    into.costUsd += Number(c.cost);
  }
  // An iteration shows once it made a call: listing it earlier would re-render wave/budget for nothing but a zero.
  return out.filter((i) => i.calls > 0 || i.costUsd > 0).map(({ ids: _ids, ...spend }) => spend);
}
