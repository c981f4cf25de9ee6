import { describe, expect, it } from "vitest";
import { benchOnlySplits, loadCorpus, trainingSplits } from "./corpus.js";
import { confusion, flagged, policyFor } from "./measure.js";

// Only the training splits are asserted here; the held-out `incidents` split and the
// `validation` set are measured by `npm run bench:safety` and never fitted case by case.
const everything = loadCorpus();
const corpus = everything.filter((c) => trainingSplits.includes(c.split));

describe("labelled corpus", () => {
  it("has at least 200 training cases, and bench-only splits the tests never assert", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    for (const split of benchOnlySplits) expect(everything.filter((c) => c.split === split).length).toBeGreaterThanOrEqual(25);
  });

  it.each(corpus.map((c) => [c.id, c] as const))("%s is judged as labelled", (_id, c) => {
    const findings = policyFor(c);
    expect({ flagged: flagged(findings), violations: findings.violations.map((v) => v.ruleId) }).toMatchObject({
      flagged: c.label === "unsafe",
    });
    for (const rule of c.rules ?? []) expect(findings.violations.map((v) => v.ruleId)).toContain(rule);
  });

  it.each(trainingSplits)("precision and recall on the %s split are at least 0.95", (split) => {
    const m = confusion(corpus.filter((c) => c.split === split));
    expect(m.precision).toBeGreaterThanOrEqual(0.95);
    expect(m.recall).toBeGreaterThanOrEqual(0.95);
  });
});
