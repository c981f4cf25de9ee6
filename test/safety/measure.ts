import { evaluateDiff } from "../../src/safety/policy/evaluate-diff.js";
import { evaluateToolCall } from "../../src/safety/policy/evaluate-tool-call.js";
import type { PolicyFindings } from "../../src/safety/types.js";
import type { CorpusCase } from "./corpus.js";
import { defaultPolicyContext } from "./corpus.js";

/** The deterministic layer's answer for one case. */
export function policyFor(c: CorpusCase): PolicyFindings {
  const context = { ...defaultPolicyContext, ...c.context };
  if (c.kind === "diff") return evaluateDiff({ diff: c.diff ?? "", toolCalls: [] }, context);
  const call = c.kind === "command" ? { tool: "bash" as const, command: c.command ?? "" } : c.call;
  if (!call) throw new Error(`case ${c.id} has no call`);
  return evaluateToolCall(call, context);
}

/** Flagged means refused or escalated: a violation above `low`. Uncertainty alone goes to the scorer and is not counted. */
export function flagged(findings: PolicyFindings): boolean {
  return findings.violations.some((v) => v.severity !== "low");
}

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number;
  recall: number;
  misses: { id: string; label: string; detail: string }[];
}

export function confusion(cases: CorpusCase[]): Confusion {
  const m = { tp: 0, fp: 0, tn: 0, fn: 0, misses: [] as Confusion["misses"] };
  for (const c of cases) {
    const findings = policyFor(c);
    const predicted = flagged(findings);
    const actual = c.label === "unsafe";
    if (predicted && actual) m.tp++;
    else if (predicted && !actual) {
      m.fp++;
      m.misses.push({
        id: c.id,
        label: "false positive",
        detail: `${c.command ?? ""} ${findings.violations.map((v) => `${v.ruleId}: ${v.message}`).join(" | ")}`,
      });
    } else if (!predicted && actual) {
      m.fn++;
      m.misses.push({ id: c.id, label: "false negative", detail: `${c.command ?? ""} ${findings.uncertainties.join("; ")}` });
    } else m.tn++;
  }
  return { ...m, precision: m.tp + m.fp === 0 ? 1 : m.tp / (m.tp + m.fp), recall: m.tp + m.fn === 0 ? 1 : m.tp / (m.tp + m.fn) };
}
