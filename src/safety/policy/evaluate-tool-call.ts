import type { ToolCall } from "../../agents/screening.js";
import { classifyPath } from "../paths/classify-path.js";
import type { Findings } from "../rules/command-context.js";
import { violation } from "../rules/violation.js";
import type { PolicyContext, PolicyFindings } from "../types.js";
import { diffRules } from "./diff-rules.js";
import { editAsDiff } from "./edit-as-diff.js";
import { evaluateCommandLine } from "./evaluate-command-line.js";
import { finalizeFindings } from "./finalize-findings.js";
import { isPlainlySafe } from "./plainly-safe.js";
import { ruleContext } from "./rule-context.js";

const credentialPath =
  /(^|\/)(\.ssh\/|\.aws\/credentials|\.netrc|\.git-credentials|\.docker\/config\.json|\.kube\/config)|^\/etc\/shadow|^\/proc\/[^/]+\/environ/;

/**
 * The deterministic verdict on one tool call. `plainlySafe` is true when the
 * call is an ordinary read/build/test action the rules fully understood: the
 * scorer is skipped for those unless configured to score everything.
 */
export function evaluateToolCall(call: ToolCall, context: PolicyContext): PolicyFindings & { plainlySafe: boolean } {
  const rc = ruleContext(context, true);
  if (call.tool === "bash") {
    const found = evaluateCommandLine(call.command, rc);
    const finished = finalizeFindings(found, context);
    const plainlySafe = finished.uncertainties.length === 0 && finished.violations.length === 0 && found.commands.every(isPlainlySafe);
    return { ...finished, plainlySafe };
  }
  const out: Findings = { violations: [], uncertainties: [] };
  const place = classifyPath(call.path, context.workspaceRoot, context.workspaceRoot);
  if (call.command === "view") {
    if (credentialPath.test(call.path.replace(/^~\//, "/home/")))
      out.violations.push(violation("secrets.credential-file", `Refused: ${call.path} is a credential file.`, { evidence: call.path }));
    return { ...finalizeFindings(out, context), plainlySafe: out.violations.length === 0 };
  }
  if (place.kind === "workspace") {
    diffRules.forEach((rule) => rule([editAsDiff(call, place.relative)], rc, out));
    if (place.relative === ".git" || place.relative.startsWith(".git/"))
      out.violations.push(
        violation("paths.git-internals", `Refused: ${place.relative} is inside git's own data.`, { path: place.relative }),
      );
  } else if (place.kind === "unknown") {
    out.uncertainties.push(`the editor writes ${call.path}, which could not be placed`);
  } else {
    out.violations.push(
      violation("paths.outside-workspace-write", `Refused: the editor would write ${call.path}, outside the workspace.`, {
        evidence: call.path,
      }),
    );
  }
  const finished = finalizeFindings(out, context);
  return { ...finished, plainlySafe: finished.violations.length === 0 && finished.uncertainties.length === 0 };
}
