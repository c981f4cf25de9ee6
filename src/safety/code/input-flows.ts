import type { CodeFinding, CodeRule, CodeSource } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

/** Where request input comes from in the common web stacks (Express, Koa, Flask, Django, FastAPI, Rails, PHP, Go, C servers). */
const requestInput =
  /\b(req|request|ctx\.request|ctx)\.(query|body|params|headers|cookies|get|header|GET|POST|args|form|values|json|data|path_params|query_params)\b|\brequest\.(GET|POST|args|form|headers|cookies|values|json|data)\b|\$_(GET|POST|REQUEST|COOKIE|SERVER)\b|\bparams\[|\br\.(URL\.Query|FormValue|Header\.Get|PostFormValue)\b|\bc\.(Query|Param|PostForm|GetHeader)\(|HTTP_[A-Z_]+|http_globals|getParameter\(|getHeader\(/;
const sqlCall =
  /\.(query|execute|executemany|raw|exec|prepare|run|all|get)\s*\(\s*|\b(query|execute|db\.Exec|db\.Query|mysql_query|mysqli_query|pg_query)\s*\(\s*/g;
const sqlText = /\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b/i;
/** Sinks that run a command or code from a string. */
const execSink =
  /(\bos\.(system|popen)|\bsubprocess\.(run|call|Popen|check_output|check_call|getoutput|getstatusoutput)|\b(cp|child_process|childProcess)\.(exec|execSync)|(?<![\w.$])(execSync|exec|system|shell_exec|passthru|popen|proc_open|eval|zend_eval_string)|\b(c?[Pp]ickle|marshal|dill|jsonpickle)\.loads?|\byaml\.(unsafe_)?load(?!\w)(?![^)]*SafeLoader)|(?<![\w.])unserialize|\bMarshal\.load|\bnew\s+ObjectInputStream|\b(c?[Pp]ickle|marshal|dill|jsonpickle)\.loads?|\byaml\.(unsafe_)?load(?![\w(]*[^)]*SafeLoader)|(?<![\w.])unserialize|\bMarshal\.load|\bnew\s+ObjectInputStream|Runtime\.getRuntime\(\)\.exec|\bexec\.Command|\bKernel\.system|\.instance_eval)\s*\(/;

/** Names assigned from request input in the visible code: `q = request.GET.get('q')`, `(enc = …"HTTP_USER_AGENTT"…)`. */
export function taintedNames(source: CodeSource): Set<string> {
  const names = new Set<string>();
  for (const line of source.lines) {
    for (const m of line.matchAll(
      /(?:^|[\s(,;{])(?:const|let|var|my|\$)?\s*\$?(\w+)\s*(?::\s*[\w<>[\]|]+\s*)?(?::=|=(?![=>]))\s*([^;]*)/g,
    )) {
      if (requestInput.test(m[2] ?? "")) names.add(m[1] as string);
    }
  }
  return names;
}

export function mentionsInput(text: string, tainted: Set<string>): boolean {
  if (requestInput.test(text)) return true;
  for (const name of tainted) if (new RegExp(`(?<![\\w.])\\$?${name}\\b`).test(text)) return true;
  return false;
}

/**
 * SQL built with string operations (concatenation, template, f-string,
 * `%`/`.format`) from request input, and commands or code run from request
 * input (the backdoor that runs an HTTP header). Parameterised queries, where
 * the input is passed separately, are not reported. Line-level for every
 * language; the JS/TS check in ast-checks.ts reads the syntax tree instead.
 */
export const inputFlowsRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  const tainted = taintedNames(source);
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    if (execSink.test(line)) {
      const args = line.slice(line.search(execSink));
      // subprocess without a shell takes an argument list: not a command string.
      const viaShell = !/subprocess\./.test(line) || /shell\s*=\s*True/.test(line) || /getoutput|getstatusoutput/.test(line);
      if (viaShell && mentionsInput(args, tainted)) {
        out.push({
          ruleId: "code.exec-from-input",
          index,
          message: "Refused: a command or code is run from request input, so whoever sends the request runs code on the server.",
        });
        return;
      }
    }
    if (source.language === "js") return;
    for (const m of line.matchAll(sqlCall)) {
      const rest = line.slice((m.index ?? 0) + m[0].length);
      const first = firstArgument(rest);
      if (!sqlText.test(first) && !/^\w+$/.test(first)) continue;
      const built =
        /^[fF]["']/.test(first) && /\{[^}]+\}/.test(first) ? first : /["']\s*(\+|%|\.)\s*|\.format\s*\(|\+\s*["']/.test(first) ? first : "";
      if (built !== "" && sqlText.test(built) && mentionsInput(built, tainted)) {
        out.push({
          ruleId: "security.sql-from-input",
          index,
          message: "Flagged: SQL is built by string operations from request input (SQL injection); pass the input as a query parameter.",
        });
        return;
      }
    }
  });
  return out;
};

/** The first argument of a call, as text: up to the first top-level comma or the closing parenthesis. */
export function firstArgument(rest: string): string {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) return rest.slice(0, i);
      depth--;
    } else if (c === "," && depth === 0) return rest.slice(0, i);
  }
  return rest;
}
