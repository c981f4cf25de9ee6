import { ConfigError } from "../errors.js";
import { builtInPrices } from "../config/sections/budget.js";
import type { ModelPrice } from "../config/sections/budget.js";

/**
 * Token and cost arithmetic. Pure: no SDK, no database. Prices are USD per
 * million tokens; costs are USD.
 */

/** The token figures of one response's `usage`, nulls read as zero. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheWriteTokens: number;
  cacheReadTokens: number;
}

/** Reads the SDK's `usage` shape (snake_case, nullable cache fields). */
export function tokenUsage(usage: {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}): TokenUsage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
  };
}

/** The price of `model`: the repository's `budget.prices` entry, else the built-in table. */
export function priceFor(model: string, prices: Readonly<Record<string, ModelPrice>>): ModelPrice {
  const price = prices[model] ?? builtInPrices[model];
  if (price) return price;
  throw new ConfigError(
    `There is no price for the model "${model}", so its spend cannot be capped.`,
    ".github/wave.yml",
    [{ key: `budget.prices.${model}`, message: "missing price" }],
    {
      hint: `Add budget.prices."${model}" (input, output, cache_write, cache_read in USD per million tokens) or pick a model with a built-in price.`,
    },
  );
}

type Rates = Omit<ModelPrice, "long_prompt">;

function ratesFor(price: ModelPrice, promptTokens: number): Rates {
  return price.long_prompt && promptTokens > price.long_prompt.threshold_tokens ? price.long_prompt : price;
}

/** What one call cost, from its usage. */
export function costOf(usage: TokenUsage, price: ModelPrice): number {
  const r = ratesFor(price, usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens);
  return (
    (usage.inputTokens * r.input +
      usage.outputTokens * r.output +
      usage.cacheWriteTokens * r.cache_write +
      usage.cacheReadTokens * r.cache_read) /
    1_000_000
  );
}

/**
 * The most a call can cost: every prompt token at the dearest input rate (a
 * cache write costs more than plain input) and the full `max_tokens` of output.
 */
export function worstCaseCost(estimatedInputTokens: number, maxTokens: number, price: ModelPrice): number {
  // The band is chosen on the estimate; the long band only ever raises rates, so take it when in doubt.
  const r = price.long_prompt && estimatedInputTokens > price.long_prompt.threshold_tokens * 0.8 ? price.long_prompt : price;
  const inputRate = Math.max(r.input, r.cache_write, r.cache_read);
  return (estimatedInputTokens * inputRate + maxTokens * r.output) / 1_000_000;
}

/**
 * A deliberately high token estimate for a request body: a third of the
 * characters of its JSON (real tokenizers average 3.5–4.5 characters per token
 * on code and English), plus a fixed allowance for the API's own tool and
 * formatting preamble. Overestimating only makes the guard stricter.
 */
export function estimateInputTokens(request: { system?: unknown; tools?: unknown; messages: unknown }): number {
  const chars =
    JSON.stringify(request.system ?? "").length + JSON.stringify(request.tools ?? []).length + JSON.stringify(request.messages).length;
  const builtInToolAllowance = 2_000;
  return Math.ceil(chars / 3) + builtInToolAllowance;
}

/** Rounds USD to micro-dollars, the ledger's precision, so sums stay exact. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
