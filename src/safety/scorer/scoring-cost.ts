import { defaultScorerPrices } from "../../config/sections/safety.js";

export interface ScoringUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

export type PriceTable = Record<string, { input: number; output: number }>;

/**
 * USD for one scoring call at per-million-token prices (cache writes at 1.25x
 * and reads at 0.1x the input price, as the API bills them). Null when the
 * model has no price, so an unknown cost is visible rather than zero.
 */
export function scoringCostUsd(model: string, usage: ScoringUsage, overrides: PriceTable = {}): number | null {
  const table: PriceTable = { ...defaultScorerPrices, ...overrides };
  const price = table[model] ?? table[model.replace(/-\d{8}$/, "")];
  if (!price) return null;
  const usd = (usage.inputTokens * price.input + usage.cacheWriteTokens * price.input * 1.25 + usage.cacheReadTokens * price.input * 0.1 + usage.outputTokens * price.output) / 1_000_000;
  return Math.round(usd * 1e8) / 1e8;
}
