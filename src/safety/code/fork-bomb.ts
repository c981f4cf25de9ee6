import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine, window } from "./code-source.js";

const shellFunction = /(?:^|[\s;&|(])(?:function\s+)?([\w:.-]+)\s*\(\s*\)\s*\{([^}]*)\}|function\s+([\w:.-]+)\s*\{([^}]*)\}/g;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Loops with no end that create processes: `fork while fork`, `while True: os.fork()`, `loop { fork }`, `for(;;) fork(…)`, `while :; do … & done`. */
const endlessForks = [
  /\bfork\s+while\s+fork\b|\bwhile\s*\(?\s*(1|true)?\s*\)?\s*\{?\s*fork\b/,
  /(\bwhile\s*\(?\s*(true|True|1|:|\[\s*1\s*\])\s*\)?\s*:?|for\s*\(\s*;\s*;\s*\)|\bloop\s*(\{|do\b)|\bfor\s*\{\s*)[\s\S]{0,60}?(\bos\.fork\s*\(|\bfork\b|\bProcess\.fork\b|syscall\.ForkExec|spawn\s*\(\s*process\.(argv|execPath)|fork\s*\(\s*__filename)/m,
  /\bwhile\s+(true|:|\[\s*1\s*\])\s*;\s*do\b[^\n]*&\s*(done|;\s*done)/,
];

/**
 * Fork bombs in every shell form (a function that calls itself into a pipe or
 * the background: `:(){ :|:& };:`, `bomb(){ bomb|bomb& }`, `f(){ f&f& }`) and
 * endless process-creating loops in shell, Perl, Python, Ruby, Node and Go.
 */
export const forkBombRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    const near = window(source, index, 2);
    for (const m of line.matchAll(shellFunction)) {
      const name = m[1] ?? m[3] ?? "";
      const body = m[2] ?? m[4] ?? "";
      if (name === "" || !new RegExp(`(^|[\\s;|&(])${escape(name)}\\s*[|&]|\\|\\s*${escape(name)}\\b`).test(body)) continue;
      out.push({
        ruleId: "destructive.fork-bomb",
        index,
        message: `Refused: the function ${name} calls itself into a pipe or the background, a fork bomb that exhausts the machine's processes.`,
      });
      return;
    }
    if (endlessForks.some((r) => r.test(line) || (r.test(near) && /fork|&\s*done|spawn/.test(line)))) {
      out.push({
        ruleId: "destructive.fork-bomb",
        index,
        message: "Refused: an endless loop creates processes, a fork bomb that exhausts the machine's processes.",
      });
    }
  });
  return out;
};
