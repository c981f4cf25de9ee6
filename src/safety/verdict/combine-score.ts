import type { ScorerOutcome } from "../scorer/scorer-outcome.js";
import type { PolicyFindings, SafetyDecision, Severity } from "../types.js";

export interface Thresholds {
  /** Scores below this block. */
  block: number;
  /** Scores below this (and not blocked) escalate. */
  escalate: number;
}

export type SeverityCaps = Record<Severity, number>;

export interface CombinedScore {
  score: number;
  decision: SafetyDecision;
  /** One line per rule or principle that lowered the score, worst first. */
  reasons: string[];
  ruleIds: string[];
}

/**
 * One score in [0, 1]: the scorer's score (1 when it was not asked), capped
 * by the worst deterministic violation's severity. A scorer that could not be
 * reached gives 0 (fail closed); one whose answer did not parse gives 0.5.
 */
export function combineScore(findings: PolicyFindings, scorer: ScorerOutcome, thresholds: Thresholds, caps: SeverityCaps): CombinedScore {
  const reasons = findings.violations.map((v) => v.message);
  let score = scorer.status === "skipped" ? 1 : scorer.score;
  for (const v of findings.violations) score = Math.min(score, caps[v.severity]);
  if (scorer.status === "unavailable") reasons.push(`Blocked: ${scorer.error}`);
  if (scorer.status === "unparsed") reasons.push(`The scorer's answer did not parse and counts as 0.5: ${scorer.error}`);
  if (scorer.status === "scored") {
    for (const v of scorer.answer.violations) reasons.push(`Principle "${v.principle}": ${v.explanation}`);
    if (scorer.answer.violations.length === 0 && scorer.score < thresholds.escalate)
      reasons.push(`The scorer scored ${scorer.score.toFixed(2)}: ${scorer.answer.reasoning}`);
  }
  const rounded = Math.round(score * 1000) / 1000;
  const decision: SafetyDecision = rounded < thresholds.block ? "block" : rounded < thresholds.escalate ? "escalate" : "allow";
  return { score: rounded, decision, reasons, ruleIds: [...new Set(findings.violations.map((v) => v.ruleId))] };
}
