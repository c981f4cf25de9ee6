import { randomUUID } from "node:crypto";
import { assertAffordable } from "../src/agents/budget-guard.js";
import type { BudgetLedger, ModelCallRecord } from "../src/agents/ledger.js";

/**
 * The budget ledger in memory, for benches that meter model calls without a
 * database (the app and the tests use `pgBudgetLedger`). Same rules: reserve
 * the worst case against the caps, then settle or fail.
 */
export function memoryBudgetLedger(): BudgetLedger {
  const calls = new Map<string, ModelCallRecord & { repoId: number }>();
  const raises = new Map<string, number>();
  const spent = (rows: Iterable<ModelCallRecord>) =>
    [...rows].reduce((sum, r) => sum + (r.status === "settled" ? (r.costUsd ?? 0) : r.status === "reserved" ? r.worstCaseUsd : 0), 0);
  const ledger: BudgetLedger = {
    async reserve(scope, call) {
      assertAffordable(await ledger.position(scope), call.worstCaseUsd, `the next ${call.role} call (${call.model})`);
      const id = randomUUID();
      const usage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
      calls.set(id, {
        id,
        storyId: scope.storyId,
        repoId: scope.repoId,
        role: call.role,
        model: call.model,
        status: "reserved",
        worstCaseUsd: call.worstCaseUsd,
        costUsd: null,
        usage,
        latencyMs: null,
        error: null,
        at: new Date(),
      });
      return id;
    },
    async settle(id, r) {
      const row = calls.get(id);
      if (row?.status === "reserved")
        calls.set(id, { ...row, status: "settled", costUsd: r.costUsd, usage: r.usage, latencyMs: r.latencyMs });
    },
    async fail(id, r) {
      const row = calls.get(id);
      if (row?.status === "reserved") calls.set(id, { ...row, status: "failed", costUsd: 0, error: r.error, latencyMs: r.latencyMs });
    },
    async storySpentUsd(storyId) {
      return spent([...calls.values()].filter((r) => r.storyId === storyId));
    },
    async repoSpentThisMonthUsd(repoId) {
      return spent([...calls.values()].filter((r) => r.repoId === repoId));
    },
    async raiseStoryCap(storyId, amountUsd) {
      raises.set(storyId, (raises.get(storyId) ?? 0) + amountUsd);
    },
    async position(scope) {
      return {
        storySpentUsd: await ledger.storySpentUsd(scope.storyId),
        storyCapUsd: scope.storyCapUsd + (raises.get(scope.storyId) ?? 0),
        repoSpentUsd: await ledger.repoSpentThisMonthUsd(scope.repoId),
        repoCapUsd: scope.repoCapUsd,
      };
    },
    async calls(storyId) {
      return [...calls.values()].filter((r) => r.storyId === storyId);
    },
  };
  return ledger;
}
