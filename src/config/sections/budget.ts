import { z } from "zod";

const usdPerMTok = z.number().min(0).max(1_000);

/** USD per million tokens for one model. */
export const modelPrice = z
  .object({
    /** Uncached input tokens. */
    input: usdPerMTok,
    /** Output tokens (thinking included). */
    output: usdPerMTok,
    /** Tokens written to the prompt cache (5-minute TTL). */
    cache_write: usdPerMTok,
    /** Tokens read from the prompt cache. */
    cache_read: usdPerMTok,
    /**
     * Some models bill a whole request at higher rates once its prompt (input +
     * cache reads + cache writes) passes a threshold. Absent: one band.
     */
    long_prompt: z
      .object({
        threshold_tokens: z.number().int().min(1),
        input: usdPerMTok,
        output: usdPerMTok,
        cache_write: usdPerMTok,
        cache_read: usdPerMTok,
      })
      .strict()
      .optional(),
  })
  .strict();
export type ModelPrice = z.infer<typeof modelPrice>;

/**
 * Anthropic's list prices (USD per MTok) as of November 2026, for the models
 * WAVE is likely to be pointed at. `budget.prices` adds to or overrides these.
 */
export const builtInPrices: Readonly<Record<string, ModelPrice>> = {
  "claude-fable-5-1": { input: 10, output: 50, cache_write: 12.5, cache_read: 0.25 },
  "claude-opus-5-5": { input: 4, output: 20, cache_write: 5, cache_read: 0.2 },
  "claude-sonnet-5-5": { input: 2, output: 10, cache_write: 2.5, cache_read: 0.1 },
  "claude-haiku-5-5": {
    input: 0.1,
    output: 0.5,
    cache_write: 0.125,
    cache_read: 0.01,
    long_prompt: { threshold_tokens: 100_000, input: 0.5, output: 2.5, cache_write: 0.625, cache_read: 0.05 },
  },
  "claude-opus-5": { input: 5, output: 25, cache_write: 6.25, cache_read: 0.5 },
  "claude-sonnet-5": { input: 2, output: 10, cache_write: 2.5, cache_read: 0.2 },
  "claude-opus-4-8": { input: 5, output: 25, cache_write: 6.25, cache_read: 0.5 },
  "claude-opus-4-7": { input: 5, output: 25, cache_write: 6.25, cache_read: 0.5 },
  "claude-opus-4-6": { input: 5, output: 25, cache_write: 6.25, cache_read: 0.5 },
  "claude-opus-4-5": { input: 5, output: 25, cache_write: 6.25, cache_read: 0.5 },
  "claude-sonnet-4-6": { input: 3, output: 15, cache_write: 3.75, cache_read: 0.3 },
  "claude-sonnet-4-5": { input: 3, output: 15, cache_write: 3.75, cache_read: 0.3 },
  "claude-haiku-4-5": { input: 1, output: 5, cache_write: 1.25, cache_read: 0.1 },
};

/** `budget:` in .github/wave.yml. Owned by the budget layer; every key has a documented default. */
export const budgetSection = z
  .object({
    /** The most one story may spend on model calls, in USD. `/wave budget +<usd>` raises it for one story. */
    story_cap_usd: z.number().min(0).max(10_000).default(4),
    /** The most all stories of this repository may spend in one calendar month (UTC), in USD. */
    repo_monthly_cap_usd: z.number().min(0).max(1_000_000).default(200),
    /** Prices per model in USD per million tokens; added to (and overriding) the built-in table of current Claude models. */
    prices: z.record(z.string().min(1), modelPrice).default({}),
  })
  .strict()
  .prefault({});

export type BudgetConfig = z.infer<typeof budgetSection>;
