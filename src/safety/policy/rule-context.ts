import { pathMatcher } from "../paths/path-kinds.js";
import type { DiffRuleContext } from "../rules/diff-context.js";
import type { PolicyContext } from "../types.js";

/** Built-in forbidden paths; configuration adds to them, it cannot remove them. */
export const builtInForbiddenPaths = [".github/workflows/**"];

/** Compiles the policy context's globs into matchers once per evaluation. */
export function ruleContext(context: PolicyContext, singleEdit: boolean): DiffRuleContext {
  const forbidden = pathMatcher([...builtInForbiddenPaths, ...context.forbiddenPaths]);
  return {
    workspaceRoot: context.workspaceRoot,
    allowedHosts: context.allowedHosts,
    isForbidden: (p) => forbidden(p),
    isInDomain: context.domainPaths.length > 0 ? pathMatcher(context.domainPaths) : null,
    isInPlan: context.filesInScope && context.filesInScope.length > 0 ? pathMatcher(context.filesInScope) : null,
    singleEdit,
  };
}
