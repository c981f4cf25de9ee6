import { isCiConfigPath, isLintConfigPath, manifestsFor } from "../paths/path-kinds.js";
import type { DiffRule } from "./diff-context.js";
import { firstLine } from "./diff-context.js";
import { violation } from "./violation.js";

/** Forbidden paths, symlinks out of the workspace, lockfiles without manifests, CI and lint configuration. */
export const pathsDiffRule: DiffRule = (files, context, out) => {
  const changed = new Set(files.flatMap((f) => [f.newPath, f.oldPath].filter((p): p is string => p !== null)));
  for (const file of files) {
    const where = { path: file.path, line: firstLine(file) };
    for (const p of new Set([file.oldPath, file.newPath])) {
      if (p !== null && context.isForbidden(p))
        out.violations.push(
          violation(
            "paths.forbidden",
            `Refused: ${p} is a forbidden path (WAVE does not change CI workflows or other protected files).`,
            where,
          ),
        );
    }
    if (file.newMode === "120000") {
      const target = file.lines.find((l) => l.kind === "add")?.text ?? "";
      if (target.startsWith("/") || target.split("/").filter((s) => s === "..").length > file.path.split("/").length - 1) {
        out.violations.push(
          violation("paths.outside-workspace-write", `Refused: ${file.path} is a symlink to ${target}, outside the workspace.`, where),
        );
      }
    }
    const manifests = manifestsFor(file.path);
    if (manifests && manifests.length > 0) {
      if (context.singleEdit)
        out.violations.push(
          violation("lockfile.hand-edit", `Flagged: ${file.path} is a lockfile; change it with the package manager, not by hand.`, where),
        );
      else if (!manifests.some((m) => changed.has(m)))
        out.violations.push(
          violation(
            "lockfile.without-manifest",
            `Flagged: ${file.path} changed but ${manifests.join(" / ")} did not; dependency changes start in the manifest.`,
            where,
          ),
        );
    }
    const isCi = isCiConfigPath(file.path) || (file.oldPath !== null && isCiConfigPath(file.oldPath));
    if (isCi && !context.isForbidden(file.path)) {
      if (file.status === "deleted")
        out.violations.push(violation("ci.config-deleted", `Refused: deleting ${file.path} disables CI.`, where));
      else
        out.violations.push(
          violation("ci.config-changed", `Flagged: ${file.path} is CI configuration; a human reviews CI changes.`, where),
        );
    }
    if (isLintConfigPath(file.path)) {
      if (file.status === "deleted")
        out.violations.push(violation("ci.lint-disabled", `Refused: deleting ${file.path} turns a linter or type check off.`, where));
      else {
        const weakened = file.lines.find(
          (l) =>
            l.kind === "add" &&
            /"(strict|noImplicitAny|strictNullChecks|noUnusedLocals|noUncheckedIndexedAccess)"\s*:\s*false|"(noEmitOnError)"\s*:\s*false|"checkJs"\s*:\s*false/.test(
              l.text,
            ),
        );
        if (weakened)
          out.violations.push(
            violation("ci.lint-disabled", `Refused: ${file.path} turns off a compiler check (${weakened.text.trim()}).`, {
              path: file.path,
              line: weakened.newLine ?? 1,
            }),
          );
        else
          out.violations.push(
            violation(
              "ci.lint-config-changed",
              `Flagged: ${file.path} configures a linter or compiler; a human reviews rule changes.`,
              where,
            ),
          );
      }
    }
  }
};

/** Files outside the story's domain paths or the plan's files in scope. */
export const scopeDiffRule: DiffRule = (files, context, out) => {
  const inPlan = context.isInPlan;
  for (const file of files) {
    for (const p of new Set([file.oldPath, file.newPath])) {
      if (p === null) continue;
      const where = { path: file.path, line: firstLine(file) };
      if (context.isInDomain && !context.isInDomain(p)) {
        out.violations.push(violation("scope.outside-domain", `Refused: ${p} is outside the paths this story's domain allows.`, where));
      } else if (inPlan && !inPlan(p) && !(manifestsFor(p) ?? []).some((m) => inPlan(m))) {
        out.violations.push(violation("scope.outside-plan", `Flagged: ${p} is not among the plan's files in scope.`, where));
      }
    }
  }
};
