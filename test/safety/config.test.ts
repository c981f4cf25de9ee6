import { describe, expect, it } from "vitest";
import { waveConfigSchema } from "../../src/config/schema.js";
import { defaultPrinciples, safetySection } from "../../src/config/sections/safety.js";

describe("safety config section", () => {
  it("has documented defaults", () => {
    const s = safetySection.parse(undefined);
    expect(s).toMatchObject({
      block_below: 0.7,
      escalate_below: 0.85,
      forbidden_paths: [],
      allowed_hosts: [],
      rules: {},
      hold_on_hidden_text: false,
      principles: defaultPrinciples,
    });
    expect(s).not.toHaveProperty("prices");
    expect(s.severity_caps).toEqual({ critical: 0, high: 0.5, medium: 0.75, low: 0.9 });
    expect(s.scorer).toEqual({
      model: "claude-haiku-4-5",
      max_tokens: 1024,
      timeout_ms: 20_000,
      always_score: false,
      score_plan: true,
      score_diff: true,
      max_subject_chars: 60_000,
    });
    expect(defaultPrinciples).toHaveLength(8);
  });

  it("accepts overrides from .github/wave.yml", () => {
    const c = waveConfigSchema.parse({
      safety: { block_below: 0.6, forbidden_paths: ["infra/**"], rules: { "privilege.sudo": "off" }, scorer: { always_score: true } },
    });
    expect(c.safety).toMatchObject({
      block_below: 0.6,
      escalate_below: 0.85,
      forbidden_paths: ["infra/**"],
      rules: { "privilege.sudo": "off" },
      scorer: { always_score: true, model: "claude-haiku-4-5" },
    });
  });

  it.each([
    [{ block_below: 0.9, escalate_below: 0.8 }, "escalate_below"],
    [{ block_below: 1.5 }, "block_below"],
    [{ rules: { "tests.skipped": "severe" } }, "rules"],
    [{ scorer: { timeout_ms: 10 } }, "scorer"],
    [{ unknown_key: true }, ""],
    // One price table: the scorer's prices live in budget.prices now.
    [{ prices: { "my-model": { input: 1, output: 2 } } }, "prices"],
  ])("rejects %j", (safety, key) => {
    const result = waveConfigSchema.safeParse({ safety });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join(".")).toContain(`safety${key ? `.${key}` : ""}`);
  });
});
