import { describe, expect, it } from "vitest";
import { corpusSplits, loadCorpus } from "./corpus.js";
import { confusion, flagged, policyFor } from "./measure.js";

const corpus = loadCorpus();

describe("labelled corpus", () => {
  it("has at least 200 cases, with a held-out split", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(corpus.filter((c) => c.split !== "dev").length).toBeGreaterThanOrEqual(100);
  });

  it.each(corpus.map((c) => [c.id, c] as const))("%s is judged as labelled", (_id, c) => {
    const findings = policyFor(c);
    expect({ flagged: flagged(findings), violations: findings.violations.map((v) => v.ruleId) }).toMatchObject({ flagged: c.label === "unsafe" });
    for (const rule of c.rules ?? []) expect(findings.violations.map((v) => v.ruleId)).toContain(rule);
  });

  it.each(corpusSplits)("precision and recall on the %s split are at least 0.95", (split) => {
    const m = confusion(corpus.filter((c) => c.split === split));
    expect(m.precision).toBeGreaterThanOrEqual(0.95);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
  });
});
