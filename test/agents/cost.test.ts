import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertAffordable, remainingUsd } from "../../src/agents/budget-guard.js";
import { costOf, estimateInputTokens, priceFor, roundUsd, tokenUsage, worstCaseCost } from "../../src/agents/cost.js";
import { builtInPrices } from "../../src/config/sections/budget.js";
import { BudgetExceeded, ConfigError } from "../../src/errors.js";

const sonnet = builtInPrices["claude-sonnet-5-5"]!;
const haiku = builtInPrices["claude-haiku-5-5"]!;

describe("cost math", () => {
  it("prices every token kind from usage", () => {
    const usage = tokenUsage({
      input_tokens: 1_000_000,
      output_tokens: 1_000_000,
      cache_creation_input_tokens: 1_000_000,
      cache_read_input_tokens: 1_000_000,
    });
    expect(costOf(usage, sonnet)).toBeCloseTo(2 + 10 + 2.5 + 0.1, 10);
    expect(tokenUsage({ input_tokens: 5, output_tokens: 6, cache_creation_input_tokens: null, cache_read_input_tokens: null })).toEqual({
      inputTokens: 5,
      outputTokens: 6,
      cacheWriteTokens: 0,
      cacheReadTokens: 0,
    });
  });

  it("bills a whole request at the long-prompt band once the prompt passes its threshold", () => {
    const small = { inputTokens: 50_000, outputTokens: 1_000, cacheWriteTokens: 0, cacheReadTokens: 50_000 };
    const large = { ...small, cacheReadTokens: 50_001 };
    expect(costOf(small, haiku)).toBeCloseTo((50_000 * 0.1 + 1_000 * 0.5 + 50_000 * 0.01) / 1e6, 12);
    expect(costOf(large, haiku)).toBeCloseTo((50_000 * 0.5 + 1_000 * 2.5 + 50_001 * 0.05) / 1e6, 12);
  });

  it("uses the repository's price first, then the built-in table, else a ConfigError that names the key", () => {
    const custom = { input: 1, output: 2, cache_write: 3, cache_read: 4 };
    expect(priceFor("claude-sonnet-5-5", { "claude-sonnet-5-5": custom })).toBe(custom);
    expect(priceFor("claude-sonnet-5-5", {})).toBe(sonnet);
    expect(() => priceFor("my-model", {})).toThrow(ConfigError);
    try {
      priceFor("my-model", {});
    } catch (e) {
      expect((e as ConfigError).issues[0]?.key).toBe("budget.prices.my-model");
    }
  });

  it("the worst case bounds the real cost whenever usage stays within the estimate and max_tokens", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.values(builtInPrices)),
        fc.integer({ min: 1, max: 400_000 }),
        fc.integer({ min: 1, max: 64_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (price, estimate, maxTokens, readShare, writeShare, outShare) => {
          const read = Math.floor(estimate * readShare);
          const write = Math.floor((estimate - read) * writeShare);
          const usage = {
            cacheReadTokens: read,
            cacheWriteTokens: write,
            inputTokens: estimate - read - write,
            outputTokens: Math.floor(maxTokens * outShare),
          };
          return costOf(usage, price) <= worstCaseCost(estimate, maxTokens, price) + 1e-12;
        },
      ),
    );
  });

  it("overestimates input tokens relative to a chars/4 count", () => {
    const req = { system: "s".repeat(4_000), tools: [{ name: "bash" }], messages: [{ role: "user", content: "x".repeat(40_000) }] };
    expect(estimateInputTokens(req)).toBeGreaterThan(44_000 / 4);
    expect(roundUsd(0.1234564)).toBe(0.123456);
  });
});

describe("budget guard", () => {
  const pos = { storySpentUsd: 3, storyCapUsd: 4, repoSpentUsd: 50, repoCapUsd: 200 };

  it("allows a call whose worst case fits both caps", () => {
    expect(() => assertAffordable(pos, 1, "x")).not.toThrow();
    expect(remainingUsd(pos)).toBe(1);
  });

  it("refuses a call that could cross the story cap, naming the raise command", () => {
    expect(() => assertAffordable(pos, 1.01, "the next developer call")).toThrow(BudgetExceeded);
    try {
      assertAffordable(pos, 1.01, "the next developer call");
    } catch (e) {
      expect((e as BudgetExceeded).message).toMatch(/story's \$4\.00 cap/);
      expect((e as BudgetExceeded).hint).toMatch(/\/wave budget \+<usd>/);
    }
  });

  it("refuses a call that could cross the repository's monthly cap", () => {
    const p = { ...pos, repoSpentUsd: 199.5 };
    expect(remainingUsd(p)).toBe(0.5);
    try {
      assertAffordable(p, 0.6, "x");
      expect.unreachable();
    } catch (e) {
      expect((e as BudgetExceeded).message).toMatch(/repository's monthly \$200\.00 cap/);
    }
  });

  it("never reports a negative remainder", () => {
    expect(remainingUsd({ ...pos, storySpentUsd: 5 })).toBe(0);
  });
});
