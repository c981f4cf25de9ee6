import type { Findings } from "../rules/command-context.js";
import type { PolicyContext, PolicyFindings, Severity, Violation } from "../types.js";

const rank: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Applies per-rule severity overrides, drops duplicates, and orders the worst first. */
export function finalizeFindings(found: Findings, context: Pick<PolicyContext, "ruleOverrides">): PolicyFindings {
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const v of found.violations) {
    const override = context.ruleOverrides[v.ruleId];
    if (override === "off") continue;
    const final = override ? { ...v, severity: override } : v;
    const key = `${final.ruleId}|${final.path ?? ""}|${final.line ?? ""}|${final.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    violations.push(final);
  }
  violations.sort((a, b) => rank[a.severity] - rank[b.severity]);
  return { violations, uncertainties: [...new Set(found.uncertainties)] };
}
