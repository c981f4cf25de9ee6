import type { SimpleCommand } from "../shell/simple-command.js";
import { gitSubcommand } from "../rules/command-git.js";

/**
 * Programs whose use needs no model opinion once the rules found nothing:
 * reading, searching, building and testing inside the workspace. Anything
 * else (an unknown program, an interpreter running a script the agent may
 * have just written) is sent to the scorer.
 */
const readOnly = new Set(["ls", "cat", "head", "tail", "less", "more", "wc", "grep", "egrep", "fgrep", "rg", "ag", "find", "fd", "tree", "file", "stat", "du", "df", "pwd", "echo", "printf", "true", "false", "test", "[", "[[", "which", "type", "whoami", "id", "date", "uname", "basename", "dirname", "realpath", "readlink", "sort", "uniq", "cut", "tr", "diff", "cmp", "comm", "jq", "yq", "sed", "awk", "column", "nl", "od", "hexdump", "xxd", "sha256sum", "sha1sum", "md5sum", "cd", "pushd", "popd", "sleep", "seq", "env", "expr", "fold", "fmt", "tee", "column", "less", "man", "help", "exit", "set", "shopt", "source", ".", "command"]);
const workspaceTools = new Set(["mkdir", "touch", "cp", "mv", "rm", "rmdir", "ln", "chmod", "tar", "unzip", "gzip", "gunzip", "zip", "patch", "make", "cmake", "tsc", "tsx", "eslint", "prettier", "vitest", "jest", "mocha", "ava", "pytest", "ruff", "black", "isort", "flake8", "mypy", "pylint", "gofmt", "golangci-lint", "rustfmt", "clippy-driver", "rubocop", "rspec", "rake", "mvn", "gradle", "javac", "dotnet", "node", "deno", "bun", "python", "python3", "ruby", "go", "cargo", "rustc", "gcc", "g++", "clang", "npm", "npx", "pnpm", "yarn", "pip", "pip3", "poetry", "uv", "bundle", "composer", "mix", "corepack", "nvm", "tox", "nox", "coverage", "c8", "nyc", "biome", "turbo", "nx", "lerna", "vite", "webpack", "rollup", "esbuild", "swc", "babel"]);
const safeGit = new Set(["status", "diff", "log", "show", "add", "commit", "checkout", "switch", "restore", "branch", "stash", "rev-parse", "ls-files", "blame", "grep", "mv", "rm", "init", "config", "describe", "shortlog", "tag", "reset", "merge-base", "cat-file", "apply", "am", "format-patch", "worktree", "clean", "notes", "cherry-pick", "revert", "merge"]);
const scriptRunners = new Set(["node", "python", "python3", "ruby", "deno", "bun", "bash", "sh"]);

export function isPlainlySafe(command: SimpleCommand): boolean {
  if (command.name === "") return true;
  // A plain `$(date)` is fine; anything reached through a shell string, eval, a decoder or a variable is not.
  if (command.origin.some((o) => o !== "$(...)")) return false;
  if (command.name === "git") return safeGit.has(gitSubcommand(command.args).sub);
  if (scriptRunners.has(command.name) && command.args.some((a) => !a.startsWith("-")) && !command.args.some((a) => /\.(test|spec)\.|^test|vitest|jest|pytest|-m$/.test(a))) return false;
  if (command.name === "npx" && !/^(tsc|eslint|prettier|vitest|jest|tsx|mocha|c8|nyc|biome)$/.test(command.args.find((a) => !a.startsWith("-")) ?? "")) return false;
  return readOnly.has(command.name) || workspaceTools.has(command.name);
}
