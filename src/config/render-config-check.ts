import type { CheckAnnotation, CheckRunPayload } from "../github/check-run-payload.js";
import { summarizeChanges } from "./config-summary.js";
import type { ConfigProblem, ConfigValidation } from "./validate-config-text.js";

export const CONFIG_CHECK_NAME = "wave/config";

/**
 * The `wave/config` check run for one file at one commit: success with what
 * the file changes from the defaults, or failure with one annotation per
 * problem at its line and column. Pure.
 */
export function renderConfigCheck(
  path: string,
  validation: ConfigValidation | { removed: true },
  /** Valid settings the organisation's values override (a repository may only tighten them): warnings, not failures. */
  overridden: readonly ConfigProblem[] = [],
): CheckRunPayload {
  if ("removed" in validation) {
    return {
      name: CONFIG_CHECK_NAME,
      status: "completed",
      conclusion: "success",
      title: `${path} removed`,
      summary: `\`${path}\` is gone at this commit: the organisation's defaults (or WAVE's) apply.`,
    };
  }
  if (validation.ok) {
    const summary = summarizeChanges(validation.config);
    if (overridden.length === 0)
      return { name: CONFIG_CHECK_NAME, status: "completed", conclusion: "success", title: `${path} is valid`, summary };
    const n = overridden.length;
    return {
      name: CONFIG_CHECK_NAME,
      status: "completed",
      conclusion: "success",
      title: `${path} is valid; ${n} setting${n === 1 ? "" : "s"} ignored for the organisation's`,
      summary: [
        `WAVE ignores ${n === 1 ? "one setting" : `${n} settings`} of this file: the organisation's .github repository decides ${n === 1 ? "it" : "them"}, and a repository may only tighten, never loosen.`,
        "",
        ...overridden.map((p) => `- line ${p.line}: \`${p.key}\`: ${p.message}`),
        "",
        summary,
      ].join("\n"),
      annotations: overridden.map((p) => ({
        path,
        start_line: p.line,
        end_line: p.endLine,
        annotation_level: "warning",
        title: `${p.key} ignored`,
        message: p.message,
      })),
    };
  }
  const problems = validation.problems;
  const annotations: CheckAnnotation[] = problems.map((p) => ({
    path,
    start_line: p.line,
    end_line: p.endLine,
    // GitHub takes columns only for an annotation on one line.
    ...(p.line === p.endLine ? { start_column: p.column, end_column: Math.max(p.column, p.endColumn) } : {}),
    annotation_level: "failure",
    title: p.key,
    message: p.example ? `${p.message}\nA valid value: ${p.example}` : p.message,
  }));
  const lines = problems
    .slice(0, 20)
    .map((p) => `- line ${p.line}, column ${p.column}: ${p.message}${p.example ? ` (e.g. \`${p.example}\`)` : ""}`);
  return {
    name: CONFIG_CHECK_NAME,
    status: "completed",
    conclusion: "failure",
    title: `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${path}`,
    summary: [
      `WAVE cannot use \`${path}\` as it is at this commit; stories in this repository would stop at intake.`,
      "",
      ...lines,
      ...(problems.length > 20 ? [`- … and ${problems.length - 20} more (see the annotations)`] : []),
    ].join("\n"),
    annotations,
  };
}
