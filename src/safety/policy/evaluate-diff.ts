import { parseUnifiedDiff } from "../diff/parse-unified-diff.js";
import type { Findings } from "../rules/command-context.js";
import type { DiffSubject, PolicyContext, PolicyFindings } from "../types.js";
import { diffRules } from "./diff-rules.js";
import { evaluateToolCall } from "./evaluate-tool-call.js";
import { finalizeFindings } from "./finalize-findings.js";
import { ruleContext } from "./rule-context.js";

/**
 * The deterministic verdict at gate 5: the final diff, plus every tool call
 * the agents made (a refused or flagged call stays on the record even when
 * its effect is not in the diff, e.g. an outbound request).
 */
export function evaluateDiff(subject: DiffSubject, context: PolicyContext): PolicyFindings {
  const files = parseUnifiedDiff(subject.diff);
  const out: Findings = { violations: [], uncertainties: [] };
  const rc = ruleContext(context, false);
  for (const rule of diffRules) rule(files, rc, out);
  subject.toolCalls.forEach((call, n) => {
    if (call.tool !== "bash") return;
    const found = evaluateToolCall(call, context);
    for (const v of found.violations) out.violations.push({ ...v, message: `Tool call #${n + 1}: ${v.message}` });
  });
  if (files.length === 0 && subject.diff.trim() !== "") out.uncertainties.push("the change could not be read as a unified diff");
  return finalizeFindings(out, context);
}
