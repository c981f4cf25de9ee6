import { ruleCatalogue } from "./catalogue.js";
import type { RuleId } from "./catalogue.js";
import type { Violation } from "../types.js";

/** A violation of `ruleId` at its default severity (overrides are applied once, by the evaluator). */
export function violation(ruleId: RuleId, message: string, where: { path?: string; line?: number; evidence?: string } = {}): Violation {
  const v: Violation = { ruleId, severity: ruleCatalogue[ruleId].severity, message };
  if (where.path !== undefined) v.path = where.path;
  if (where.line !== undefined) v.line = where.line;
  if (where.evidence !== undefined) v.evidence = shorten(where.evidence);
  return v;
}

export function shorten(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}
