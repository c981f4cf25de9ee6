import { parseCommandLine } from "../shell/parse-command-line.js";
import type { SimpleCommand } from "../shell/simple-command.js";
import { findSecrets } from "../secrets/find-secrets.js";
import { secretlintScan } from "../secrets/secretlint-scan.js";
import type { CommandRule, CommandRuleContext, Findings } from "../rules/command-context.js";
import { destructiveCommandRule } from "../rules/command-destructive.js";
import { gitCommandRule } from "../rules/command-git.js";
import { networkCommandRule } from "../rules/command-network.js";
import { privilegeCommandRule } from "../rules/command-privilege.js";
import { secretsCommandRule } from "../rules/command-secrets.js";
import { systemCommandRule } from "../rules/command-system.js";
import { writesCommandRule } from "../rules/command-writes.js";
import { checkCommandCode, undisguised } from "../rules/command-code.js";
import { violation } from "../rules/violation.js";

export const commandRules: CommandRule[] = [
  destructiveCommandRule,
  gitCommandRule,
  networkCommandRule,
  privilegeCommandRule,
  secretsCommandRule,
  writesCommandRule,
  systemCommandRule,
];

/** Findings for one command line, and the programs it runs (for the "plainly safe" test). */
export function evaluateCommandLine(
  commandLine: string,
  context: CommandRuleContext,
  rules: CommandRule[] = commandRules,
): Findings & { commands: SimpleCommand[] } {
  const parsed = parseCommandLine(commandLine, { cwd: context.workspaceRoot });
  const out: Findings = { violations: [], uncertainties: [...parsed.uncertainties] };
  for (const command of parsed.commands) for (const rule of rules) rule(command, context, out);
  checkCommandCode(commandLine, parsed.commands, out);
  const plain = undisguised(commandLine);
  if (plain !== null) {
    // What the disguise hid is judged as if written plainly; the plain reading's own uncertainties are not added.
    const seen = evaluateCommandLine(plain, context, rules);
    out.violations.push(...seen.violations);
    parsed.commands.push(...seen.commands);
  }
  // Secrets are looked for in the text as written and in everything decoded from it.
  const texts = [
    commandLine,
    ...parsed.commands.map((c) =>
      [...Object.entries(c.assignments).map(([k, v]) => `${k}=${v}`), c.name, ...c.args, c.stdin ?? ""].join(" "),
    ),
  ];
  const seen = new Set<string>();
  for (const text of texts) {
    for (const hit of [...findSecrets(text), ...(text === commandLine ? secretlintScan(text) : [])]) {
      if (seen.has(hit.preview)) continue;
      seen.add(hit.preview);
      const what = hit.ruleId === "secrets.token" ? `a ${hit.kind}` : `a secret-looking ${hit.kind}`;
      out.violations.push(
        violation(
          hit.ruleId,
          `Refused: the command line contains ${what} (${hit.preview}); credentials never pass through agent commands.`,
        ),
      );
    }
  }
  return { ...out, commands: parsed.commands };
}
