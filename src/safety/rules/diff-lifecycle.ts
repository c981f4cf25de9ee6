import type { DiffFile } from "../diff/parse-unified-diff.js";
import type { DiffRule } from "./diff-context.js";
import { violation } from "./violation.js";

/** npm/yarn/pnpm/bun hooks that run on `install` in every consumer's machine and CI (the 2021–2025 npm worms' entry point). */
const installHooks = new Set(["preinstall", "install", "postinstall", "preuninstall", "postuninstall", "prepublish"]);
/** Hooks that run on install from git and on pack; a plain build or git-hook installer there is ordinary. */
const packHooks = new Set(["prepare", "prepack", "postpack"]);
const ordinaryBuild =
  /^(husky( install)?|is-ci \|\| husky( install)?|(npm|pnpm|yarn|bun)( run)? [\w:-]+|tsc( -[\w.-]+( [\w./-]+)?)*|tsup|rollup -c|vite build|webpack|node-gyp rebuild|patch-package|lefthook install|simple-git-hooks)$/;
/** composer.json event scripts that run on install/update. */
const composerHooks = /^(pre|post)-(install|update|autoload-dump|package-install|package-update|root-package-install|create-project)-cmd$/;
const setupHooks =
  /\bcmdclass\s*[=:]|\bclass\s+\w+\s*\(\s*(setuptools\.command\.\w+\.)?(install|develop|egg_info|build_py|build_ext|sdist|bdist_wheel|build)\s*\)|^\s*\[tool\.setuptools\.cmdclass\]/;
const networkInRecipe = /\b(curl|wget|nc|ncat|scp|rsync|ssh|git\s+clone|iwr|Invoke-WebRequest)\b|https?:\/\//;

/**
 * New or changed install-time hooks: package.json lifecycle scripts
 * (`preinstall`, `install`, `postinstall`, and `prepare`/`prepack` unless they
 * only build), composer install/update scripts, setup.py command classes, and
 * a Makefile's default target reaching the network. These run on every
 * machine that installs or builds the code, so a human reviews them.
 */
export const lifecycleDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    if (file.binary) continue;
    const name = file.path.split("/").pop() ?? file.path;
    for (const l of file.lines) {
      if (l.kind !== "add") continue;
      const line = l.newLine ?? 1;
      const where = { path: file.path, line, evidence: l.text };
      if (name === "package.json" || name === "composer.json") {
        const m = /^\s*"([^"]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(l.text);
        if (!m) continue;
        const [, key = "", value = ""] = m;
        const hook =
          (name === "package.json" && (installHooks.has(key) || (packHooks.has(key) && !ordinaryBuild.test(value.trim())))) ||
          (name === "composer.json" && composerHooks.test(key));
        if (hook)
          out.violations.push(
            violation(
              "supply-chain.lifecycle-script",
              `Flagged: ${file.path}:${line} adds the install-time hook "${key}": "${value.slice(0, 60)}", which runs on every machine that installs the package.`,
              where,
            ),
          );
      } else if (/^(setup\.py|setup\.cfg|pyproject\.toml)$/.test(name) && setupHooks.test(l.text)) {
        out.violations.push(
          violation(
            "supply-chain.lifecycle-script",
            `Flagged: ${file.path}:${line} hooks a setuptools command (${l.text.trim().slice(0, 60)}), code that runs when the package is installed.`,
            where,
          ),
        );
      }
    }
    if (/^(Makefile|GNUmakefile|makefile)$/.test(name)) checkDefaultTarget(file, out);
    // Editors and dev environments that run commands on their own: VS Code tasks on folder open, dev container hooks, direnv, Python start-up files.
    const autorun = file.lines.find(
      (l) =>
        l.kind === "add" &&
        ((/(^|\/)\.vscode\/tasks\.json$/.test(file.path) && /folderOpen/.test(l.text)) ||
          (/devcontainer(\.\w+)?\.json$/.test(file.path) &&
            /"(postCreateCommand|postStartCommand|postAttachCommand|initializeCommand|onCreateCommand|updateContentCommand)"/.test(
              l.text,
            )) ||
          (/\.pth$/.test(file.path) && /^\s*import\b/.test(l.text))),
    );
    const autorunFile = file.status === "added" && /(^|\/)(\.envrc|sitecustomize\.py|usercustomize\.py)$/.test(file.path);
    if (autorun || autorunFile) {
      const line = autorun?.newLine ?? file.lines.find((l) => l.kind === "add")?.newLine ?? 1;
      out.violations.push(
        violation(
          "supply-chain.lifecycle-script",
          `Flagged: ${file.path}:${line} runs commands automatically when the project is opened or the interpreter starts.`,
          { path: file.path, line, evidence: autorun?.text ?? file.path },
        ),
      );
    }
  }
};

/** The default target of a Makefile (`.DEFAULT_GOAL`, else the first ordinary target) running network commands in added recipe lines. */
function checkDefaultTarget(file: DiffFile, out: Parameters<DiffRule>[2]): void {
  const shown = file.lines.filter((l) => l.kind !== "del");
  const goal = shown.map((l) => /^\.DEFAULT_GOAL\s*:?=\s*(\S+)/.exec(l.text)?.[1]).find((g) => g !== undefined);
  let current: string | null = null;
  let first: string | null = null;
  for (const l of shown) {
    const target = /^([A-Za-z0-9_./-]+)\s*:(?!=)/.exec(l.text);
    if (target && !l.text.startsWith("\t")) {
      current = target[1] as string;
      if (first === null && !current.startsWith(".")) first = current;
      continue;
    }
    const isDefault = current !== null && current === (goal ?? first);
    if (isDefault && l.kind === "add" && l.text.startsWith("\t") && networkInRecipe.test(l.text)) {
      out.violations.push(
        violation(
          "supply-chain.lifecycle-script",
          `Flagged: ${file.path}:${l.newLine ?? 1} makes the default target "${current ?? ""}" reach the network, which runs on a plain \`make\`.`,
          { path: file.path, line: l.newLine ?? 1, evidence: l.text },
        ),
      );
      return;
    }
  }
}
