import { isCiConfigPath, isShellLikePath } from "../paths/path-kinds.js";
import { evaluateCommandLine } from "../policy/evaluate-command-line.js";
import { destructiveCommandRule } from "./command-destructive.js";
import { networkCommandRule } from "./command-network.js";
import { privilegeCommandRule } from "./command-privilege.js";
import type { DiffRule } from "./diff-context.js";
import { violation } from "./violation.js";

const packageMetadataKeys = new Set([
  "name",
  "version",
  "description",
  "main",
  "module",
  "types",
  "typings",
  "license",
  "author",
  "homepage",
  "url",
  "type",
  "repository",
  "bugs",
  "email",
  "node",
  "npm",
  "funding",
  "exports",
  "import",
  "require",
  "default",
  "browser",
  "bin",
  "packageManager",
  "keywords",
]);

/**
 * Commands written into scripts (shell files, Makefiles, Dockerfiles, CI
 * steps, package.json scripts) are screened like commands, because they run
 * later: a committed `curl … | sh` is as bad as running it now.
 */
export const scriptsDiffRule: DiffRule = (files, context, out) => {
  for (const file of files) {
    const kind = file.path.endsWith("package.json")
      ? "package"
      : isShellLikePath(file.path)
        ? "shell"
        : isCiConfigPath(file.path) && /\.ya?ml$/.test(file.path)
          ? "ci"
          : null;
    if (!kind || file.binary) continue;
    const added = file.lines.filter((l) => l.kind === "add");
    for (let i = 0; i < added.length; i++) {
      let text = (added[i] as { text: string }).text;
      const line = (added[i] as { newLine: number | null }).newLine ?? 1;
      while (/\\\s*$/.test(text) && i + 1 < added.length) text = text.replace(/\\\s*$/, " ") + (added[++i] as { text: string }).text;
      const command = commandIn(text, kind);
      if (command === null) continue;
      const found = evaluateCommandLine(command, context, [destructiveCommandRule, networkCommandRule, privilegeCommandRule]);
      for (const v of found.violations) {
        if (v.ruleId.startsWith("secrets.")) continue;
        const moved =
          v.ruleId === "network.outbound" ? violation("network.in-change", v.message.replace(/^Refused:/, "Flagged:"), {}) : { ...v };
        out.violations.push({
          ...moved,
          message: `${file.path}:${line}: ${moved.message}`,
          path: file.path,
          line,
          evidence: v.evidence ?? command.slice(0, 120),
        });
      }
    }
  }
};

function commandIn(text: string, kind: "package" | "shell" | "ci"): string | null {
  if (kind === "package") {
    const m = /^\s*"([^"]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(text);
    if (!m || packageMetadataKeys.has(m[1] as string)) return null;
    return (m[2] as string).replace(/\\"/g, '"');
  }
  if (kind === "ci") {
    const m = /^\s*-?\s*(?:run|script|command)\s*:\s*(.+)$/.exec(text) ?? /^\s*-\s+(.+)$/.exec(text);
    return m ? (m[1] as string).replace(/^["'|>-]\s*/, "") : null;
  }
  const recipe = text.replace(/^\s*(RUN|CMD|ENTRYPOINT)\s+/, "").replace(/^\t[@-]*/, "");
  if (/^\s*[A-Za-z_][\w.-]*\s*:([^=]|$)/.test(text) && !text.startsWith("\t")) return null;
  if (/^\s*(FROM|COPY|ADD|ENV|ARG|WORKDIR|USER|EXPOSE|LABEL|VOLUME)\b/.test(text)) return null;
  return recipe.trim() === "" ? null : recipe;
}
