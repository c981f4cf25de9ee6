import type { Severity } from "../types.js";
import type { SafetyVerdict } from "../verdict/safety-verdict.js";

export const safetyCheckName = "wave/safety";

export type SafetyConclusion = "success" | "action_required" | "failure";

/** One annotation as GitHub's check-run API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export interface RenderedSafetyCheck {
  conclusion: SafetyConclusion;
  title: string;
  summary: string;
  text: string;
  annotations: CheckAnnotation[];
}

const conclusions: Record<SafetyVerdict["decision"], SafetyConclusion> = {
  allow: "success",
  escalate: "action_required",
  block: "failure",
};
const levels: Record<Severity, CheckAnnotation["annotation_level"]> = {
  critical: "failure",
  high: "failure",
  medium: "warning",
  low: "notice",
};
const words: Record<SafetyVerdict["decision"], string> = { allow: "passed", escalate: "needs a human's approval", block: "blocked" };
/** GitHub's limits on check-run output. */
const maxSummary = 65_535;
const maxMessage = 64 * 1024;

/**
 * The `wave/safety` check run for a verdict: conclusion (never `neutral` or
 * `skipped`, which would satisfy a required check), a summary with the score,
 * the thresholds and every finding, and one annotation per finding that has a
 * file and line.
 */
export function renderSafetyCheck(verdict: SafetyVerdict): RenderedSafetyCheck {
  const conclusion = conclusions[verdict.decision];
  const count = verdict.violations.length;
  const title = `Safety ${verdict.score.toFixed(2)}: ${words[verdict.decision]}${count > 0 ? ` (${count} finding${count === 1 ? "" : "s"})` : ""}`;
  const lines = [
    `**Score ${verdict.score.toFixed(2)}** — ${words[verdict.decision]}.`,
    "",
    "| decision | when the score is |",
    "|---|---|",
    `| block | below ${verdict.thresholds.block.toFixed(2)} |`,
    `| escalate (a human approves) | below ${verdict.thresholds.escalate.toFixed(2)} |`,
    `| pass | ${verdict.thresholds.escalate.toFixed(2)} or more |`,
    "",
  ];
  if (count > 0) {
    lines.push("### Findings", "", "| severity | rule | where | what |", "|---|---|---|---|");
    for (const v of verdict.violations) {
      const where = v.path ? `\`${cell(v.path)}${v.line ? `:${v.line}` : ""}\`` : "";
      lines.push(`| ${v.severity} | \`${v.ruleId}\` | ${where} | ${cell(v.message)} |`);
    }
    lines.push("");
  } else lines.push("The deterministic policy found nothing.", "");
  if (verdict.uncertainties.length > 0) lines.push("### Left to the scorer", "", ...verdict.uncertainties.map((u) => `- ${cell(u)}`), "");
  lines.push("### Scorer", "", scorerLine(verdict));
  const summary = truncate(lines.join("\n"), maxSummary);
  const text = `Inputs digest \`${verdict.inputsDigest}\` (${verdict.subjectKind}).`;
  const annotations: CheckAnnotation[] = verdict.violations
    .filter((v): v is typeof v & { path: string } => v.path !== undefined)
    .map((v) => ({
      path: v.path,
      start_line: v.line ?? 1,
      end_line: v.line ?? 1,
      annotation_level: levels[v.severity],
      title: `${v.ruleId} (${v.severity})`,
      message: truncate(v.message, maxMessage),
    }));
  return { conclusion, title, summary, text, annotations };
}

function scorerLine(verdict: SafetyVerdict): string {
  const s = verdict.scorer;
  switch (s.status) {
    case "skipped":
      return `Not asked: ${s.reason}.`;
    case "unavailable":
      return `**Unavailable, so the change is blocked (fail closed).** ${cell(s.error)}`;
    case "unparsed":
      return `The answer did not parse and counts as 0.50. ${cell(s.error)}`;
    case "scored": {
      const cost = s.costUsd === null ? "cost unknown" : `$${s.costUsd.toFixed(4)}`;
      const parts = [`${s.model} scored **${s.score.toFixed(2)}** (${cost}): ${cell(s.answer.reasoning)}`];
      for (const v of s.answer.violations) parts.push(`- violates "${cell(v.principle)}": ${cell(v.explanation)}`);
      for (const r of s.answer.risks) parts.push(`- risk: ${cell(r)}`);
      return parts.join("\n");
    }
  }
}

/** Keeps a value inside a markdown table cell and stops it from opening markup. */
function cell(text: string): string {
  return text
    .replace(/\r?\n/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/<!--/g, "&lt;!--")
    .replace(/@(?=[A-Za-z0-9-])/g, "@\u200b");
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 40)}\n\n… (cut to fit GitHub's limit)`;
}
