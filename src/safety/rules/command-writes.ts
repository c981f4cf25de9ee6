import { classifyPath } from "../paths/classify-path.js";
import { isCiConfigPath, isTestPath, manifestsFor } from "../paths/path-kinds.js";
import { describe, operands } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import type { SimpleCommand } from "../shell/simple-command.js";
import { gitSubcommand } from "./command-git.js";
import { violation } from "./violation.js";

const packageManagers = new Set([
  "npm",
  "npx",
  "pnpm",
  "yarn",
  "bun",
  "cargo",
  "poetry",
  "pip",
  "pip3",
  "uv",
  "bundle",
  "go",
  "composer",
  "mix",
  "pipenv",
  "corepack",
]);

/** Paths a command writes (redirects, `tee`, `cp`/`mv` destinations, `sed -i`, `touch`, `dd of=`…). */
function writeTargets(command: SimpleCommand): string[] {
  const { name, args } = command;
  const targets = command.redirects.filter((r) => [">", ">>", "&>", ">|", "&>>", "<>"].includes(r.op)).map((r) => r.target);
  const ops = operands(args, [
    "-t",
    "--target-directory",
    "-S",
    "--suffix",
    "-m",
    "--mode",
    "-o",
    "-g",
    "-e",
    "-f",
    "--expression",
    "--file",
    "-s",
    "--size",
    "-r",
    "--reference",
  ]);
  if (name === "tee" || name === "touch" || name === "mkdir" || name === "truncate" || name === "ln") targets.push(...ops);
  if (["cp", "mv", "install", "rsync"].includes(name)) {
    const targetDir = args.findIndex((a) => a === "-t" || a === "--target-directory");
    targets.push(targetDir >= 0 ? (args[targetDir + 1] ?? "") : (ops[ops.length - 1] ?? ""));
  }
  if ((name === "sed" || name === "perl") && args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith("--in-place"))) {
    const scriptGiven = args.some((a) => a === "-e" || a === "--expression" || a === "-f");
    targets.push(...(scriptGiven || name === "perl" ? ops : ops.slice(1)));
  }
  if (name === "dd") targets.push(...args.filter((a) => a.startsWith("of=")).map((a) => a.slice(3)));
  return targets.filter((t) => t !== "");
}

/** Paths a command removes (`rm`, `git rm`, the source of `mv`). */
function removedPaths(command: SimpleCommand): string[] {
  const { name, args } = command;
  if (name === "rm" || name === "unlink" || name === "shred") return operands(args);
  if (name === "git") {
    const { sub, rest } = gitSubcommand(args);
    if (sub === "rm") return operands(rest);
    if (sub === "mv") return operands(rest).slice(0, -1);
  }
  if (name === "mv") return operands(args, ["-t", "--target-directory", "-S", "--suffix"]).slice(0, -1);
  return [];
}

/** Writes outside the workspace, into forbidden paths or git internals, hand-edited lockfiles, deleted tests and CI files. */
export const writesCommandRule: CommandRule = (command, context, out) => {
  const text = describe(command);
  for (const target of writeTargets(command)) {
    const place = classifyPath(target, command.cwd, context.workspaceRoot);
    if (place.kind === "outside") {
      out.violations.push(
        violation("paths.outside-workspace-write", `Refused: ${command.name} writes ${place.path}, outside the workspace.`, {
          evidence: text,
        }),
      );
    } else if (place.kind === "workspace") {
      checkRepoWrite(place.relative, command, text, context.isForbidden, out);
    }
  }
  for (const target of removedPaths(command)) {
    const place = classifyPath(target, command.cwd, context.workspaceRoot);
    if (place.kind !== "workspace") continue;
    const path = place.relative;
    if (context.isForbidden(path))
      out.violations.push(violation("paths.forbidden", `Refused: ${path} is a forbidden path.`, { evidence: text }));
    const movedTo =
      command.name === "mv" || (command.name === "git" && gitSubcommand(command.args).sub === "mv")
        ? operands(command.args).slice(-1)[0]
        : undefined;
    if (isTestPath(path) && !(movedTo !== undefined && isTestPath(movedTo))) {
      out.violations.push(violation("tests.deleted", `Refused: ${path} is a test; tests are fixed, not deleted.`, { evidence: text }));
    } else if (/^(test|tests|spec|__tests__)\/?$/.test(path)) {
      out.violations.push(
        violation("tests.deleted", `Refused: ${path} holds the tests; tests are fixed, not deleted.`, { evidence: text }),
      );
    }
    if (isCiConfigPath(path))
      out.violations.push(violation("ci.config-deleted", `Refused: deleting ${path} disables CI.`, { evidence: text }));
  }
};

function checkRepoWrite(
  path: string,
  command: SimpleCommand,
  text: string,
  isForbidden: (p: string) => boolean,
  out: Parameters<CommandRule>[2],
): void {
  if (isForbidden(path))
    out.violations.push(
      violation("paths.forbidden", `Refused: ${path} is a forbidden path (WAVE does not change CI workflows or other protected files).`, {
        evidence: text,
      }),
    );
  if (path === ".git/config" || path.startsWith(".git/hooks") || path === ".git/info/attributes") {
    out.violations.push(violation("paths.git-internals", `Refused: writing ${path} changes how git runs code.`, { evidence: text }));
  }
  if (manifestsFor(path) && !packageManagers.has(command.name) && command.name !== "git") {
    out.violations.push(
      violation("lockfile.hand-edit", `Flagged: ${path} is a lockfile; change it with the package manager, not by hand.`, {
        evidence: text,
      }),
    );
  }
}
