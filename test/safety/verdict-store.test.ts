import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema.js";
import { judgeToolCall } from "../../src/safety/judge.js";
import { postgresVerdictStore, saveVerdict } from "../../src/safety/store/verdict-store.js";
import type { SafetyVerdict } from "../../src/safety/verdict/safety-verdict.js";
import { freshDatabase } from "../support/db.js";

let pool: pg.Pool;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await freshDatabase();
  drop = db.drop;
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
afterAll(async () => {
  await pool.end();
  await drop();
});

const scored: SafetyVerdict = {
  subjectKind: "diff",
  storyId: "6f1c1f6e-0000-4000-8000-000000000005",
  inputsDigest: "a".repeat(64),
  decision: "escalate",
  score: 0.75,
  thresholds: { block: 0.7, escalate: 0.85 },
  violations: [{ ruleId: "lockfile.without-manifest", severity: "medium", message: "Flagged: x", path: "yarn.lock", line: 3 }],
  uncertainties: [],
  scorer: {
    status: "scored",
    score: 0.9,
    answer: { score: 0.9, violations: [], risks: ["dependency drift"], reasoning: "fine" },
    model: "claude-haiku-4-5",
    usage: { inputTokens: 900, outputTokens: 80, cacheWriteTokens: 100, cacheReadTokens: 0 },
    costUsd: 0.001525,
  },
  reasons: ["Flagged: x"],
  ruleIds: ["lockfile.without-manifest"],
};

describe("verdict store", () => {
  it("saves a verdict with its digest, rule ids, scorer answer and cost", async () => {
    const id = await saveVerdict(pool, scored);
    const { rows } = await pool.query("SELECT * FROM safety_verdicts WHERE id = $1", [id]);
    expect(rows[0]).toMatchObject({
      story_id: scored.storyId,
      subject_kind: "diff",
      inputs_digest: scored.inputsDigest,
      rule_ids: ["lockfile.without-manifest"],
      scorer_status: "scored",
      scorer_model: "claude-haiku-4-5",
      score: 0.75,
      decision: "escalate",
      block_below: 0.7,
      escalate_below: 0.85,
      scoring_cost_usd: "0.00152500",
      scoring_input_tokens: 1000,
      scoring_output_tokens: 80,
      violations: scored.violations,
    });
    expect(rows[0].scorer_answer).toMatchObject({ answer: { risks: ["dependency drift"] } });
  });

  it("finds the latest scored outcome by digest, and nothing for an unscored one", async () => {
    const store = postgresVerdictStore(pool);
    await expect(store.scoredOutcome(scored.inputsDigest)).resolves.toMatchObject({ status: "scored", score: 0.9 });
    await store.save({
      ...scored,
      inputsDigest: "b".repeat(64),
      scorer: { status: "unavailable", score: 0, model: "m", error: "down" },
      decision: "block",
      score: 0,
    });
    await expect(store.scoredOutcome("b".repeat(64))).resolves.toBeNull();
  });

  it("keeps verdicts append-only", async () => {
    const id = await saveVerdict(pool, { ...scored, storyId: null, scorer: { status: "skipped", reason: "x" } });
    await pool.query("UPDATE safety_verdicts SET decision = 'allow' WHERE id = $1", [id]);
    await pool.query("DELETE FROM safety_verdicts WHERE id = $1", [id]);
    const { rows } = await pool.query("SELECT decision, scorer_model, scoring_cost_usd FROM safety_verdicts WHERE id = $1", [id]);
    expect(rows).toEqual([{ decision: "escalate", scorer_model: null, scoring_cost_usd: "0.00000000" }]);
  });

  it("refuses a row that breaks the table's checks", async () => {
    await expect(saveVerdict(pool, { ...scored, inputsDigest: "not-a-digest" })).rejects.toThrow(/check constraint/);
    await expect(saveVerdict(pool, { ...scored, score: 1.5 })).rejects.toThrow(/check constraint/);
  });

  it("receives every verdict the judge makes", async () => {
    const storyId = "6f1c1f6e-0000-4000-8000-000000000009";
    const deps = { config: defaultConfig().safety, model: null, store: postgresVerdictStore(pool) };
    await judgeToolCall({ tool: "bash", command: "ls" }, { storyId }, deps);
    await judgeToolCall({ tool: "bash", command: "git push -f" }, { storyId }, deps);
    const { rows } = await pool.query("SELECT decision, rule_ids, scorer_status FROM safety_verdicts WHERE story_id = $1 ORDER BY id", [
      storyId,
    ]);
    expect(rows).toEqual([
      { decision: "allow", rule_ids: [], scorer_status: "skipped" },
      { decision: "block", rule_ids: ["destructive.force-push"], scorer_status: "skipped" },
    ]);
  });
});
