import { z } from "zod";

const usdPerMTok = z.number().min(0).max(1_000);

/** USD per million tokens for one model. */
export const modelPrice = z
  .object({
    input: usdPerMTok.describe("USD per million uncached input tokens."),
    output: usdPerMTok.describe("USD per million output tokens (thinking included)."),
    cache_write: usdPerMTok.describe("USD per million tokens written to the prompt cache (5-minute TTL)."),
    cache_read: usdPerMTok.describe("USD per million tokens read from the prompt cache."),
    long_prompt: z
      .object({
        threshold_tokens: z
          .number()
          .int()
          .min(1)
          .describe("Prompt size (input + cache reads + cache writes) above which the whole request bills at these rates."),
        input: usdPerMTok.describe("USD per million uncached input tokens above the threshold."),
        output: usdPerMTok.describe("USD per million output tokens above the threshold."),
        cache_write: usdPerMTok.describe("USD per million cache-write tokens above the threshold."),
        cache_read: usdPerMTok.describe("USD per million cache-read tokens above the threshold."),
      })
      .strict()
      .optional()
      .describe(
        "Rates billed for a whole request once its prompt (input + cache reads + cache writes) passes `threshold_tokens`, for models priced that way; absent, one band.",
      ),
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
  // Scorer models that had a price only in the former safety.prices table.
  "claude-sonnet-4": { input: 3, output: 15, cache_write: 3.75, cache_read: 0.3 },
  "claude-opus-4-1": { input: 15, output: 75, cache_write: 18.75, cache_read: 1.5 },
};

/** `budget:` in .github/wave.yml. Owned by the budget layer; every key has a documented default. */
export const budgetSection = z
  .object({
    story_cap_usd: z
      .number()
      .min(0)
      .max(10_000)
      .default(4)
      .describe("The most one story may spend on model calls, in USD; `/wave budget +<usd>` raises it for one story."),
    repo_monthly_cap_usd: z
      .number()
      .min(0)
      .max(1_000_000)
      .default(200)
      .describe("The most all stories of this repository may spend in one calendar month (UTC), in USD."),
    prices: z
      .record(z.string().min(1), modelPrice)
      .default({})
      .describe(
        "Prices per model id in USD per million tokens (`input`, `output`, `cache_write`, `cache_read`, optional `long_prompt`); added to (and overriding) the built-in table of current Claude models.",
      ),
  })
  .strict()
  .prefault({})
  .describe("Spending caps on model calls and the prices they are counted at.");

export type BudgetConfig = z.infer<typeof budgetSection>;
