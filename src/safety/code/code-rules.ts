import { agentCliRule } from "./agent-cli.js";
import { jsAstRule } from "./ast-checks.js";
import { authBypassRule } from "./auth-bypass.js";
import type { CodeFinding, CodeRule, CodeSource } from "./code-source.js";
import { envExfiltrationRule } from "./env-exfiltration.js";
import { forkBombRule } from "./fork-bomb.js";
import { inputFlowsRule } from "./input-flows.js";
import { obfuscatedExecRule } from "./obfuscated-exec.js";
import { remoteCodeRule } from "./remote-code.js";
import { reverseShellRule } from "./reverse-shell.js";
import { riskyCodeRule } from "./risky-code.js";
import { tlsDisabledRule } from "./tls-disabled.js";

/** Every rule that reads source code, for files in a change and for inline code in commands. */
export const codeRules: CodeRule[] = [
  remoteCodeRule,
  obfuscatedExecRule,
  reverseShellRule,
  forkBombRule,
  envExfiltrationRule,
  inputFlowsRule,
  authBypassRule,
  tlsDisabledRule,
  agentCliRule,
  riskyCodeRule,
  jsAstRule,
];

/** Rules that make sense for code run inline from a command line (no auth functions or SQL there). */
export const inlineCodeRules: CodeRule[] = [
  remoteCodeRule,
  obfuscatedExecRule,
  reverseShellRule,
  forkBombRule,
  envExfiltrationRule,
  tlsDisabledRule,
  agentCliRule,
  riskyCodeRule,
];

export function scanCode(source: CodeSource, rules: CodeRule[] = codeRules): CodeFinding[] {
  return rules.flatMap((rule) => rule(source));
}
