import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgBudgetLedger } from "../../src/agents/ledger.js";
import type { BudgetScope } from "../../src/agents/ledger.js";
import { BudgetExceeded } from "../../src/errors.js";
import { freshDatabase } from "../support/db.js";

let db: { url: string; drop: () => Promise<void> };
let pool: pg.Pool;

beforeAll(async () => {
  db = await freshDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 6 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

const usage = { inputTokens: 10, outputTokens: 20, cacheWriteTokens: 30, cacheReadTokens: 40 };
const scope = (over: Partial<BudgetScope> = {}): BudgetScope => ({
  storyId: randomUUID(),
  repoId: Math.floor(Math.random() * 1e9),
  storyCapUsd: 1,
  repoCapUsd: 10,
  ...over,
});

describe("pg budget ledger", () => {
  it("counts a reservation at its worst case until it settles at its real cost", async () => {
    const ledger = pgBudgetLedger(pool);
    const s = scope();
    const id = await ledger.reserve(s, { role: "developer", model: "claude-sonnet-5-5", worstCaseUsd: 0.4 });
    expect(await ledger.storySpentUsd(s.storyId)).toBeCloseTo(0.4);
    await ledger.settle(id, { usage, costUsd: 0.123456, latencyMs: 12.4 });
    expect(await ledger.storySpentUsd(s.storyId)).toBeCloseTo(0.123456, 6);
    expect(await ledger.repoSpentThisMonthUsd(s.repoId)).toBeCloseTo(0.123456, 6);
    const [call] = await ledger.calls(s.storyId);
    expect(call).toMatchObject({
      role: "developer",
      model: "claude-sonnet-5-5",
      status: "settled",
      costUsd: 0.123456,
      usage,
      latencyMs: 12,
    });
  });

  it("counts a failed call as nothing", async () => {
    const ledger = pgBudgetLedger(pool);
    const s = scope();
    const id = await ledger.reserve(s, { role: "planner", model: "m", worstCaseUsd: 0.9 });
    await ledger.fail(id, { error: "529 overloaded", latencyMs: 5 });
    expect(await ledger.storySpentUsd(s.storyId)).toBe(0);
    expect((await ledger.calls(s.storyId))[0]).toMatchObject({ status: "failed", error: "529 overloaded" });
  });

  it("refuses a call that could cross the story cap until a budget raise lifts it", async () => {
    const ledger = pgBudgetLedger(pool);
    const s = scope();
    const id = await ledger.reserve(s, { role: "developer", model: "m", worstCaseUsd: 0.6 });
    await ledger.settle(id, { usage, costUsd: 0.6, latencyMs: 1 });
    await expect(ledger.reserve(s, { role: "developer", model: "m", worstCaseUsd: 0.5 })).rejects.toBeInstanceOf(BudgetExceeded);
    expect(await ledger.calls(s.storyId)).toHaveLength(1);
    await ledger.raiseStoryCap(s.storyId, 2, "octocat");
    expect((await ledger.position(s)).storyCapUsd).toBe(3);
    await expect(ledger.reserve(s, { role: "developer", model: "m", worstCaseUsd: 0.5 })).resolves.toBeTruthy();
  });

  it("sums a repository's spend per UTC calendar month across stories", async () => {
    const repoId = Math.floor(Math.random() * 1e9);
    let now = new Date("2026-10-31T23:59:00Z");
    const ledger = pgBudgetLedger(pool, () => now);
    const a = scope({ repoId, repoCapUsd: 1, storyCapUsd: 5 });
    const b = scope({ repoId, repoCapUsd: 1, storyCapUsd: 5 });
    await ledger.settle(await ledger.reserve(a, { role: "developer", model: "m", worstCaseUsd: 0.7 }), {
      usage,
      costUsd: 0.7,
      latencyMs: 1,
    });
    await expect(ledger.reserve(b, { role: "developer", model: "m", worstCaseUsd: 0.4 })).rejects.toThrow(/repository's monthly/);
    now = new Date("2026-11-01T00:01:00Z");
    await expect(ledger.reserve(b, { role: "developer", model: "m", worstCaseUsd: 0.4 })).resolves.toBeTruthy();
    expect(await ledger.repoSpentThisMonthUsd(repoId, new Date("2026-10-15T00:00:00Z"))).toBeCloseTo(0.7);
    expect(await ledger.repoSpentThisMonthUsd(repoId, new Date("2026-11-15T00:00:00Z"))).toBeCloseTo(0.4);
  });

  it("lets concurrent reservations for one repository take no more than the cap", async () => {
    const ledger = pgBudgetLedger(pool);
    const repoId = Math.floor(Math.random() * 1e9);
    const attempts = Array.from({ length: 12 }, () =>
      ledger.reserve(scope({ repoId, repoCapUsd: 1, storyCapUsd: 1 }), { role: "developer", model: "m", worstCaseUsd: 0.3 }).then(
        () => "ok",
        (e: unknown) => (e instanceof BudgetExceeded ? "refused" : Promise.reject(e)),
      ),
    );
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === "ok")).toHaveLength(3);
    expect(await ledger.repoSpentThisMonthUsd(repoId)).toBeCloseTo(0.9);
  });
});
