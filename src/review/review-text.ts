import type { ReviewComment } from "../github/post-review.js";
import type { Review, ReviewFinding } from "./review-schema.js";

const severityLabel: Record<ReviewFinding["severity"], string> = {
  blocker: "🛑 blocker",
  major: "🟠 major",
  minor: "🟡 minor",
  nit: "⚪ nit",
};

/** One line for the decision record and the gate table: "looks right, 2 findings". */
export function reviewVerdictLine(review: Review): string {
  const n = review.findings.length;
  return `${review.verdict === "looks_right" ? "looks right" : "needs changes"}${n > 0 ? `, ${n} finding${n === 1 ? "" : "s"}` : ""}`;
}

/**
 * The PR review: the summary and the criteria table in the body, each finding
 * as a line comment where the diff shows its line, the rest listed in the body
 * (GitHub refuses comments on lines outside the diff).
 */
export function renderReview(
  review: Review,
  anchors: ReadonlyMap<string, ReadonlySet<number>>,
): { body: string; comments: ReviewComment[] } {
  const anchored: ReviewComment[] = [];
  const loose: ReviewFinding[] = [];
  for (const f of review.findings) {
    if (anchors.get(f.path)?.has(f.line))
      anchored.push({ path: f.path, line: f.line, side: "RIGHT", body: `**${severityLabel[f.severity]}**: ${f.body}` });
    else loose.push(f);
  }
  const cell = (s: string) => s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const body = [
    `### WAVE reviewer: ${reviewVerdictLine(review)}`,
    "",
    review.summary.trim(),
    ...(review.criteria.length > 0
      ? [
          "",
          "| acceptance criterion | met | note |",
          "|---|---|---|",
          ...review.criteria.map((c) => `| ${cell(c.criterion)} | ${c.met ? "✅" : "❌"} | ${cell(c.note)} |`),
        ]
      : []),
    ...(loose.length > 0
      ? [
          "",
          "**Findings outside the diff's lines**",
          "",
          ...loose.map((f) => `- \`${f.path}:${f.line}\` ${severityLabel[f.severity]}: ${f.body.replace(/\s*\n\s*/g, " ")}`),
        ]
      : []),
    "",
    "_This review is advice from WAVE's reviewer agent. A person approves with `/wave approve`, or sends the story back with `/wave recycle <feedback>`._",
  ].join("\n");
  return { body, comments: anchored };
}
