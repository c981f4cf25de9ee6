import { classifyPath } from "../paths/classify-path.js";
import { isCiConfigPath } from "../paths/path-kinds.js";
import { findSecrets } from "../secrets/find-secrets.js";
import type { Findings } from "../rules/command-context.js";
import { isNoOp } from "../rules/diff-tests.js";
import { violation } from "../rules/violation.js";
import type { PlanSubject, PolicyContext, PolicyFindings } from "../types.js";
import { evaluateCommandLine } from "./evaluate-command-line.js";
import { finalizeFindings } from "./finalize-findings.js";
import { ruleContext } from "./rule-context.js";

const weakensTests =
  /\b(delete|remove|skip|disable|comment(ing)? out|xfail|mute|silence)\b[^.;\n]{0,40}\b(tests?|specs?|assertions?|checks?|ci|lint(er|ing)?)\b/i;

/**
 * The deterministic verdict at gate 2: files in scope against forbidden and
 * domain paths, the test command and any command quoted in the steps against
 * the command rules, and secrets anywhere in the text.
 */
export function evaluatePlan(plan: PlanSubject, context: PolicyContext): PolicyFindings {
  const rc = ruleContext(context, false);
  const out: Findings = { violations: [], uncertainties: [] };
  for (const file of plan.filesInScope) {
    const place = classifyPath(file, context.workspaceRoot, context.workspaceRoot);
    if (place.kind === "outside") {
      out.violations.push(
        violation("paths.outside-workspace-write", `Refused: the plan touches ${file}, outside the workspace.`, { evidence: file }),
      );
      continue;
    }
    const path = place.kind === "workspace" ? place.relative : file.replace(/^\.\//, "");
    if (rc.isForbidden(path))
      out.violations.push(violation("paths.forbidden", `Refused: the plan touches ${path}, a forbidden path.`, { evidence: file }));
    else if (rc.isInDomain && !rc.isInDomain(path))
      out.violations.push(
        violation("scope.outside-domain", `Refused: the plan touches ${path}, outside this story's domain paths.`, { evidence: file }),
      );
    else if (isCiConfigPath(path))
      out.violations.push(violation("ci.config-changed", `Flagged: the plan changes ${path}, CI configuration.`, { evidence: file }));
  }
  if (plan.testCommand !== undefined && plan.testCommand !== null) {
    if (isNoOp(plan.testCommand))
      out.violations.push(
        violation("tests.command-neutralised", `Refused: the plan's test command "${plan.testCommand}" cannot fail.`, {
          evidence: plan.testCommand,
        }),
      );
    const found = evaluateCommandLine(plan.testCommand, rc);
    out.violations.push(...found.violations.map((v) => ({ ...v, message: `Test command: ${v.message}` })));
    out.uncertainties.push(...found.uncertainties);
  }
  const text = [plan.summary ?? "", ...plan.steps].join("\n");
  for (const code of text.matchAll(/`([^`\n]+)`/g)) {
    const found = evaluateCommandLine(code[1] as string, rc);
    out.violations.push(...found.violations.map((v) => ({ ...v, message: `Plan step: ${v.message}` })));
  }
  for (const hit of findSecrets([text, ...plan.risks].join("\n"))) {
    out.violations.push(violation(hit.ruleId, `Refused: the plan contains a credential (${hit.preview}).`));
  }
  const weakening = plan.steps.find((s) => weakensTests.test(s));
  if (weakening) out.uncertainties.push(`a step may weaken tests or checks: "${weakening.slice(0, 80)}"`);
  return finalizeFindings(out, context);
}
