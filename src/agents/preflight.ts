import { remainingUsd } from "./budget-guard.js";
import type { BudgetPosition } from "./budget-guard.js";
import { worstCaseCost } from "./cost.js";
import type { ModelPrice } from "../config/sections/budget.js";
import type { Plan } from "./plan.js";

/** Assumptions behind the estimate, exported so the status comment can show them. */
export const PREFLIGHT_ASSUMPTIONS = {
  /** Developer turns per plan step, plus a fixed few to read, test and summarise. */
  turnsPerStep: 3,
  fixedTurns: 4,
  /** Tokens one turn adds to the conversation (a tool call and its result). */
  tokensPerTurn: 1_500,
  /** Share of max_tokens a turn writes on average. */
  outputShare: 0.25,
} as const;

export interface PreflightInput {
  plan: Plan;
  /** Estimated tokens of the developer's first request (system, tools, plan, story). */
  basePromptTokens: number;
  developer: { max_tokens: number; price: ModelPrice; maxTurns: number };
  /** Verify failures the story may recycle through (`max_recycles`); each is another developer run. */
  maxRecycles: number;
  position: BudgetPosition;
}

export interface PreflightEstimate {
  turns: number;
  /** Expected cost of one developer run, with prompt caching. */
  perRunUsd: number;
  /** One run plus half the allowed recycles: what a typical story spends. */
  expectedUsd: number;
  /** Every recycle used and every turn at its worst case: what the cap guards against. */
  worstUsd: number;
  remainingUsd: number;
  fits: boolean;
}

/**
 * Gate 2: the budget estimate for a plan against what is left. Pure. The gate
 * passes when the expected spend fits; the worst case is shown, not required,
 * because the per-call guard enforces the cap anyway.
 */
export function preflightEstimate(input: PreflightInput): PreflightEstimate {
  const a = PREFLIGHT_ASSUMPTIONS;
  const { price, max_tokens } = input.developer;
  const turns = Math.min(input.developer.maxTurns, a.fixedTurns + a.turnsPerStep * input.plan.steps.length);
  let perRun = 0;
  let worstRun = 0;
  for (let k = 0; k < turns; k++) {
    const prior = input.basePromptTokens + k * a.tokensPerTurn;
    // Turn 0 writes the whole prefix to the cache; later turns read it and write only what was added.
    const read = k === 0 ? 0 : prior;
    const write = k === 0 ? input.basePromptTokens : a.tokensPerTurn;
    perRun += (read * price.cache_read + write * price.cache_write + max_tokens * a.outputShare * price.output) / 1_000_000;
    worstRun += worstCaseCost(prior + a.tokensPerTurn, max_tokens, price);
  }
  const expectedUsd = perRun * (1 + input.maxRecycles / 2);
  const remaining = remainingUsd(input.position);
  return {
    turns,
    perRunUsd: perRun,
    expectedUsd,
    worstUsd: worstRun * (1 + input.maxRecycles),
    remainingUsd: remaining,
    fits: expectedUsd <= remaining,
  };
}
