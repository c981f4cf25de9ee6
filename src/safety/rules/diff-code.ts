import { languageOf } from "../code/code-source.js";
import type { CodeSource } from "../code/code-source.js";
import { scanCode } from "../code/code-rules.js";
import type { DiffFile } from "../diff/parse-unified-diff.js";
import type { DiffRule } from "./diff-context.js";
import { violation } from "./violation.js";

/** The new side of a file as the change shows it: context and added lines, in order. */
export function visibleSource(file: DiffFile): CodeSource | null {
  const language = languageOf(file.path);
  if (language === null || file.binary) return null;
  const shown = file.lines.filter((l) => l.kind !== "del");
  return {
    path: file.path,
    language,
    lines: shown.map((l) => l.text),
    added: shown.map((l) => l.kind === "add"),
    lineNumbers: shown.map((l) => l.newLine ?? 1),
  };
}

/**
 * The code rules (remote code, reverse shells, fork bombs, decoded payloads,
 * environment exfiltration, input reaching SQL or a shell, authentication
 * bypasses, disabled TLS) over every source file the change adds to. Each
 * finding names the file and line.
 */
export const codeDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    const source = visibleSource(file);
    if (!source || !source.added.some(Boolean)) continue;
    for (const finding of scanCode(source)) {
      const line = source.lineNumbers[finding.index] ?? 1;
      out.violations.push(
        violation(finding.ruleId, `${file.path}:${line}: ${finding.message}`, {
          path: file.path,
          line,
          evidence: source.lines[finding.index] ?? "",
        }),
      );
    }
  }
};
