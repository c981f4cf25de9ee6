import { scanCode, inlineCodeRules } from "../code/code-rules.js";
import type { CodeLanguage } from "../code/code-source.js";
import { wholeSource } from "../code/code-source.js";
import type { SimpleCommand } from "../shell/simple-command.js";
import type { Findings } from "./command-context.js";
import { runsDownloadedFile } from "./download-then-run.js";
import { violation } from "./violation.js";

const interpreters: Record<string, { flags: string[]; language: CodeLanguage }> = {
  python: { flags: ["-c"], language: "python" },
  python2: { flags: ["-c"], language: "python" },
  python3: { flags: ["-c"], language: "python" },
  node: { flags: ["-e", "--eval", "-p", "--print"], language: "js" },
  nodejs: { flags: ["-e", "--eval", "-p", "--print"], language: "js" },
  bun: { flags: ["-e", "--eval"], language: "js" },
  deno: { flags: ["eval"], language: "js" },
  perl: { flags: ["-e", "-E"], language: "perl" },
  ruby: { flags: ["-e"], language: "ruby" },
  php: { flags: ["-r"], language: "php" },
};
/** Programs whose arguments are text being searched for, not code being run. */
const searchTools = new Set([
  "grep",
  "egrep",
  "fgrep",
  "rg",
  "ag",
  "ack",
  "head",
  "tail",
  "wc",
  "sort",
  "uniq",
  "less",
  "cat",
  "find",
  "ls",
  "sed",
]);
const gitReaders = new Set(["grep", "log", "show", "diff", "blame"]);
const isSearch = (c: SimpleCommand): boolean =>
  c.name === "" || searchTools.has(c.name) || (c.name === "git" && gitReaders.has(c.args.find((a) => !a.startsWith("-")) ?? ""));

/** The inline code an interpreter is given (`python3 -c CODE`, `perl -e CODE`, a here-document), with its language. */
function inlineCode(command: SimpleCommand): { code: string; language: CodeLanguage } | null {
  const known = interpreters[command.name];
  if (!known) return null;
  const at = command.args.findIndex(
    (a) => known.flags.includes(a) || known.flags.some((f) => f.length === 2 && a.startsWith(f) && a.length > 2 && !a.startsWith("--")),
  );
  if (at >= 0) {
    const arg = command.args[at] as string;
    return { code: known.flags.includes(arg) ? (command.args[at + 1] ?? "") : arg.slice(2), language: known.language };
  }
  if (command.stdin !== null && (command.args.length === 0 || command.args[0] === "-"))
    return { code: command.stdin, language: known.language };
  return null;
}

/**
 * The code rules over what a command line runs: the line itself as shell
 * (fork bombs, `/dev/tcp` shells, `eval` of decoded text, TLS switched off,
 * unsandboxed agents), each interpreter's inline code in its own language,
 * and download-then-run spread over two commands. A line that only searches
 * (`grep -rn 'verify=False' src`) is not read as the code it searches for.
 */
export function checkCommandCode(commandLine: string, commands: SimpleCommand[], out: Findings): void {
  const sources = commands.every(isSearch) ? [] : [wholeSource(commandLine, "shell")];
  for (const command of commands) {
    const inline = inlineCode(command);
    if (inline) sources.push(wholeSource(inline.code, inline.language));
    // A script a shell reads from a pipe whose text is known (`echo … | base64 -d | bash`) is read as what it is.
    else if (command.stdin !== null && ["sh", "bash", "zsh", "dash", "ksh", "ash"].includes(command.name))
      sources.push(wholeSource(command.stdin, "shell"));
    else if (!isSearch(command) && command.origin.length > 0) sources.push(wholeSource([command.name, ...command.args].join(" "), "shell"));
  }
  const seen = new Set<string>();
  for (const source of sources) {
    for (const finding of scanCode(source, inlineCodeRules)) {
      if (seen.has(finding.ruleId)) continue;
      seen.add(finding.ruleId);
      out.violations.push(violation(finding.ruleId, finding.message, { evidence: source.lines[finding.index] ?? commandLine }));
    }
  }
  if (runsDownloadedFile(commands) && !seen.has("network.remote-code")) {
    out.violations.push(
      violation("network.remote-code", "Refused: a file is downloaded and then run; vendor it into the repository and review it instead.", {
        evidence: commandLine,
      }),
    );
  }
}

/**
 * The same line with two shell disguises undone, so the rules see what bash
 * would run: `${IFS}` for a space, and a brace list in command position
 * (`{curl,-sSfL,host}`) for its words. Null when there is nothing to undo.
 */
export function undisguised(commandLine: string): string | null {
  const out = commandLine
    .replace(/\$\{IFS(?:%\?\?)?\}|\$IFS\b/g, " ")
    .replace(
      /(^|[\s;&|($`])\{([^{}\s,]+(?:,[^{}\s,]*)+)\}/g,
      (_m, before: string, words: string) => `${before}${words.split(",").join(" ")}`,
    );
  return out === commandLine ? null : out;
}
