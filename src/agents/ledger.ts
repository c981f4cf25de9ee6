import type pg from "pg";
import { assertAffordable } from "./budget-guard.js";
import type { BudgetPosition } from "./budget-guard.js";
import { roundUsd } from "./cost.js";
import type { TokenUsage } from "./cost.js";
import type { AgentRole } from "../config/sections/agents.js";

/** Which story a call is for, and the caps that apply to it (the story cap before raises). */
export interface BudgetScope {
  storyId: string;
  repoId: number;
  storyCapUsd: number;
  repoCapUsd: number;
}

/** One recorded model call. */
export interface ModelCallRecord {
  id: string;
  storyId: string;
  role: string;
  model: string;
  status: "reserved" | "settled" | "failed";
  worstCaseUsd: number;
  costUsd: number | null;
  usage: TokenUsage;
  latencyMs: number | null;
  error: string | null;
  at: Date;
}

/**
 * The budget ledger port: every model call is reserved at its worst case before
 * it is made and settled with its real usage after, so "spent" always includes
 * calls in flight and the caps hold even with concurrent stories.
 */
export interface BudgetLedger {
  /** Reserves `worstCaseUsd` for a call, or throws `BudgetExceeded` if it could cross a cap. Returns the call's id. */
  reserve(scope: BudgetScope, call: { role: AgentRole; model: string; worstCaseUsd: number }): Promise<string>;
  /** Records the real usage and cost of a reserved call. */
  settle(id: string, result: { usage: TokenUsage; costUsd: number; latencyMs: number }): Promise<void>;
  /** Records that a reserved call failed without a response (nothing billed). */
  fail(id: string, result: { error: string; latencyMs: number }): Promise<void>;
  /** Spent plus reserved, for one story. */
  storySpentUsd(storyId: string): Promise<number>;
  /** Spent plus reserved by every story of the repository in the calendar month (UTC) of `now`. */
  repoSpentThisMonthUsd(repoId: number, now?: Date): Promise<number>;
  /** The budget-raise event: lifts one story's cap by `amountUsd`. */
  raiseStoryCap(storyId: string, amountUsd: number, actor: string): Promise<void>;
  /** Where a story stands against its caps (the story cap includes raises). */
  position(scope: BudgetScope, now?: Date): Promise<BudgetPosition>;
  /** Every call of a story, oldest first. */
  calls(storyId: string): Promise<ModelCallRecord[]>;
}

type Queryable = Pick<pg.Pool, "query" | "connect">;

// Reserved rows count at their worst case, settled rows at their cost, failed rows not at all.
const SPENT = `COALESCE(SUM(CASE status WHEN 'settled' THEN cost_usd WHEN 'reserved' THEN worst_case_usd ELSE 0 END), 0)`;

type Sql = Pick<pg.Pool, "query">;

// The calendar month (UTC) that holds $n.
const monthOf = (n: number): string =>
  `at >= date_trunc('month', $${n}::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
   AND at < (date_trunc('month', $${n}::timestamptz AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC'`;

async function position(db: Sql, scope: BudgetScope, now: Date): Promise<BudgetPosition> {
  const { rows } = await db.query<{ story_spent: string; repo_spent: string; raised: string }>(
    `SELECT
       (SELECT ${SPENT} FROM model_calls WHERE story_id = $1) AS story_spent,
       (SELECT ${SPENT} FROM model_calls WHERE repo_id = $2 AND ${monthOf(3)}) AS repo_spent,
       (SELECT COALESCE(SUM(amount_usd), 0) FROM story_budget_raises WHERE story_id = $1) AS raised`,
    [scope.storyId, scope.repoId, now.toISOString()],
  );
  const row = rows[0];
  return {
    storySpentUsd: Number(row?.story_spent ?? 0),
    storyCapUsd: scope.storyCapUsd + Number(row?.raised ?? 0),
    repoSpentUsd: Number(row?.repo_spent ?? 0),
    repoCapUsd: scope.repoCapUsd,
  };
}

/** The Postgres ledger (tables `model_calls` and `story_budget_raises`). */
export function pgBudgetLedger(db: Queryable, clock: () => Date = () => new Date()): BudgetLedger {
  return {
    async reserve(scope, call) {
      const client = await db.connect();
      try {
        await client.query("BEGIN");
        // One reservation at a time per repository, so two stories cannot both take the last dollar.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('wave:budget'), hashtext($1::text))", [String(scope.repoId)]);
        const now = clock();
        assertAffordable(await position(client, scope, now), call.worstCaseUsd, `the next ${call.role} call (${call.model})`);
        const { rows } = await client.query<{ id: string }>(
          // The call belongs to the story's latest iteration sent to build (none yet: its first build), for wave/budget.
          `INSERT INTO model_calls (story_id, repo_id, role, model, status, worst_case_usd, at, iteration_id)
           VALUES ($1, $2, $3, $4, 'reserved', $5, $6,
             (SELECT max(id) FROM story_iterations WHERE story_id = $1 AND state <> 'queued')) RETURNING id`,
          [scope.storyId, scope.repoId, call.role, call.model, roundUsd(call.worstCaseUsd), now.toISOString()],
        );
        await client.query("COMMIT");
        return String(rows[0]?.id);
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async settle(id, r) {
      await db.query(
        `UPDATE model_calls SET status = 'settled', cost_usd = $2, input_tokens = $3, output_tokens = $4,
           cache_write_tokens = $5, cache_read_tokens = $6, latency_ms = $7, settled_at = now()
         WHERE id = $1 AND status = 'reserved'`,
        [
          id,
          roundUsd(r.costUsd),
          r.usage.inputTokens,
          r.usage.outputTokens,
          r.usage.cacheWriteTokens,
          r.usage.cacheReadTokens,
          Math.round(r.latencyMs),
        ],
      );
    },
    async fail(id, r) {
      await db.query(
        `UPDATE model_calls SET status = 'failed', cost_usd = 0, error = $2, latency_ms = $3, settled_at = now()
         WHERE id = $1 AND status = 'reserved'`,
        [id, r.error.slice(0, 2_000), Math.round(r.latencyMs)],
      );
    },
    async storySpentUsd(storyId) {
      const { rows } = await db.query<{ spent: string }>(`SELECT ${SPENT} AS spent FROM model_calls WHERE story_id = $1`, [storyId]);
      return Number(rows[0]?.spent ?? 0);
    },
    async repoSpentThisMonthUsd(repoId, now = clock()) {
      const { rows } = await db.query<{ spent: string }>(`SELECT ${SPENT} AS spent FROM model_calls WHERE repo_id = $1 AND ${monthOf(2)}`, [
        repoId,
        now.toISOString(),
      ]);
      return Number(rows[0]?.spent ?? 0);
    },
    async raiseStoryCap(storyId, amountUsd, actor) {
      await db.query("INSERT INTO story_budget_raises (story_id, amount_usd, actor) VALUES ($1, $2, $3)", [
        storyId,
        roundUsd(amountUsd),
        actor,
      ]);
    },
    async position(scope, now = clock()) {
      return position(db, scope, now);
    },
    async calls(storyId) {
      const { rows } = await db.query<{
        id: string;
        story_id: string;
        role: string;
        model: string;
        status: ModelCallRecord["status"];
        worst_case_usd: string;
        cost_usd: string | null;
        input_tokens: number;
        output_tokens: number;
        cache_write_tokens: number;
        cache_read_tokens: number;
        latency_ms: number | null;
        error: string | null;
        at: Date;
      }>("SELECT * FROM model_calls WHERE story_id = $1 ORDER BY id", [storyId]);
      return rows.map((r) => ({
        id: String(r.id),
        storyId: r.story_id,
        role: r.role,
        model: r.model,
        status: r.status,
        worstCaseUsd: Number(r.worst_case_usd),
        costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
        usage: {
          inputTokens: r.input_tokens,
          outputTokens: r.output_tokens,
          cacheWriteTokens: r.cache_write_tokens,
          cacheReadTokens: r.cache_read_tokens,
        },
        latencyMs: r.latency_ms,
        error: r.error,
        at: r.at,
      }));
    },
  };
}
