import type { GateRow, SpendRow } from "../../src/checks/types.js";

export const gatesAtReview: GateRow[] = [
  { gate: "intake", state: "passed" },
  { gate: "plan", state: "passed", note: "4 steps" },
  { gate: "preflight", state: "passed", note: "score 0.93, estimate $1.10" },
  { gate: "build", state: "passed", note: "1 recycle" },
  { gate: "verify", state: "passed", note: "npm test | 42 passed" },
  { gate: "safety", state: "passed", note: "score 0.91" },
  { gate: "review", state: "awaiting_approval", note: "reviewer: 2 findings" },
  { gate: "merge", state: "pending" },
];

export const spend: SpendRow[] = [
  { role: "planner", model: "claude-sonnet-4-5", calls: 2, inputTokens: 18_200, outputTokens: 2_100, costUsd: 0.0861 },
  { role: "developer", model: "claude-sonnet-4-5", calls: 14, inputTokens: 210_000, outputTokens: 16_400, costUsd: 0.876 },
  { role: "developer", model: "claude-sonnet-4-5", calls: 3, inputTokens: 30_000, outputTokens: 1_000, costUsd: 0.105 },
  { role: "reviewer", model: "claude-haiku-4-5", calls: 1, inputTokens: 9_000, outputTokens: 800, costUsd: 0.0052 },
];
