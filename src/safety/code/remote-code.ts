import { parseCommandLine } from "../shell/parse-command-line.js";
import { networkCommandRule } from "../rules/command-network.js";
import { runsDownloadedFile } from "../rules/download-then-run.js";
import type { CodeFinding, CodeRule, CodeSource } from "./code-source.js";
import { isCommentLine } from "./code-source.js";
import { stringLiterals } from "./string-literals.js";

/** Calls that run code given as text. `.exec(` (a regex method) is not one; a bare `exec(` (Python) is. */
const evalSink =
  /(?<![\w.$])(eval|exec|execfile|Function|compile|loadstring|Invoke-Expression|iex)\s*\(|new\s+Function\s*\(|\.(instance_eval|class_eval|module_eval|runInThisContext|runInNewContext|runInContext|_compile)\s*\(|\bvm\.(run\w*|Script)\b|new\s+module\.constructor\b|\bKernel\.eval\b|\beval\s+\$|\beval\s+["'`]?\$\(/;
/** Ways code reads text from the network, in the common languages. */
const fetches =
  /\bfetch\s*\(|\bhttps?\.(get|request)\s*\(|["']https?["']\s*\)\s*\.(get|request)\s*\(|\burlopen\s*\(|\burllib\b|\brequests\.(get|post|request)\s*\(|\baxios\b|\bgot\s*\(|\bURI\.open\b|\bopen-uri\b|Net::HTTP|\bhttp\.Get\s*\(|\breqwest\b|DownloadString|Invoke-WebRequest|XMLHttpRequest|\bcurl\b|\bwget\b|\bLWP::|\bHTTP::Tiny\b|file_get_contents\s*\(\s*["']https?:/;
const downloaders = /\b(curl|wget|iwr|Invoke-WebRequest|aria2c|fetch)\b/;

/**
 * Remote code run from source files of any language: a shell string handed
 * to `child_process`, `subprocess`, `os.system`, `exec.Command`… that
 * downloads and executes (`curl … | sh`), and text fetched from the network
 * passed to `eval`, `exec`, `new Function`, `vm`, `instance_eval`… A file
 * that only downloads (to save a fixture, say) is not reported here.
 */
export const remoteCodeRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    for (const literal of stringLiterals(line)) {
      if (!/\s/.test(literal) || !downloaders.test(literal)) continue;
      const how = shellVerdict(literal);
      if (how === "executed") {
        out.push({
          ruleId: "network.remote-code",
          index,
          message: `Refused: the code runs a shell command that downloads code and executes it (${literal.slice(0, 60)}); vendor it and review it instead.`,
        });
        return;
      }
    }
    if (evalSink.test(line) && fetchedNearby(source, index)) {
      out.push({
        ruleId: "network.remote-code",
        index,
        message: "Refused: text fetched from the network is executed as code; vendor the code and review it instead.",
      });
    }
  });
  return out;
};

function fetchedNearby(source: CodeSource, index: number): boolean {
  const from = Math.max(0, index - 12);
  return source.lines.slice(from, index + 3).some((l) => fetches.test(l) && !isCommentLine(l));
}

/** Whether a shell string executes what it downloads (by the command rules' own reading of it). */
export function shellVerdict(script: string): "executed" | "fetches" | "none" {
  const parsed = parseCommandLine(script, { cwd: "/workspace" });
  const found = { violations: [] as { ruleId: string }[], uncertainties: [] as string[] };
  const context = { workspaceRoot: "/workspace", allowedHosts: [], isForbidden: () => false };
  for (const command of parsed.commands) networkCommandRule(command, context, found as never);
  if (found.violations.some((v) => v.ruleId === "network.remote-code") || runsDownloadedFile(parsed.commands)) return "executed";
  return found.violations.some((v) => v.ruleId === "network.outbound") ? "fetches" : "none";
}
