import { describe, operands } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import { violation } from "./violation.js";

const secretVariable = /\$\{?([A-Za-z_]*(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?)[A-Za-z0-9_]*)\}?/i;
const credentialFiles =
  /(^|\/|~)(\.ssh(\/|$)|id_(rsa|dsa|ecdsa|ed25519)\b|\.aws\/credentials|\.aws\/config|\.netrc|\.git-credentials|\.docker\/config\.json|\.config\/gh\/hosts\.yml|\.kube\/config|\.gnupg(\/|$)|\.npmrc$|\.pypirc|etc\/shadow|etc\/gshadow|etc\/sudoers|proc\/[^/]+\/environ|var\/run\/secrets\/|\.vault-token|gcloud\/credentials|application_default_credentials\.json)/;
const printers = new Set(["echo", "printf", "print", "cat", "tee", "curl", "wget", "logger"]);

/** Printing the environment or secret variables, and reading credential files. Secrets written in the line itself are found by the evaluator. */
export const secretsCommandRule: CommandRule = (command, _context, out) => {
  const { name, args } = command;
  const text = describe(command);
  const dumpsAll =
    (name === "printenv" && (args.length === 0 || args.some((a) => secretVariable.test(`$${a}`)))) ||
    (name === "set" && args.length === 0) ||
    ((name === "export" || name === "declare" || name === "typeset") && (args.length === 0 || args.every((a) => /^-[px]+$/.test(a)))) ||
    (name === "compgen" && args.includes("-e"));
  if (dumpsAll)
    out.violations.push(
      violation("secrets.environment-dump", `Refused: ${name} prints the environment, which may hold credentials.`, { evidence: text }),
    );
  else if (printers.has(name) && args.some((a) => secretVariable.test(a))) {
    out.violations.push(violation("secrets.environment-dump", `Refused: ${name} would print a secret variable.`, { evidence: text }));
  }
  const paths = [
    ...operands(args),
    ...args.filter((a) => a.startsWith("@")).map((a) => a.slice(1)),
    ...command.redirects.filter((r) => r.op === "<").map((r) => r.target),
  ];
  const file = paths.find((p) => credentialFiles.test(p.replace(/^\$\{?HOME\}?/, "~")));
  if (file && name !== "ls" && name !== "mkdir" && name !== "test" && name !== "[") {
    out.violations.push(violation("secrets.credential-file", `Refused: ${name} touches ${file}, a credential file.`, { evidence: text }));
  }
};
