import { describe, hasFlag } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import { violation } from "./violation.js";

const globalWithValue = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env"]);
const skipCi = /\[(skip ci|ci skip|no ci|skip actions|actions skip)\]|\*\*\*NO_CI\*\*\*|skip-checks:\s*true/i;

/** The git subcommand and its arguments, after global options such as `-C dir` and `-c key=value`. */
export function gitSubcommand(args: string[]): { sub: string; rest: string[] } {
  let i = 0;
  while (i < args.length && (args[i] as string).startsWith("-")) i += globalWithValue.has(args[i] as string) ? 2 : 1;
  return { sub: args[i] ?? "", rest: args.slice(i + 1) };
}

/** Forced pushes, remote branch deletion, history rewriting, skipped CI and bypassed hooks. */
export const gitCommandRule: CommandRule = (command, _context, out) => {
  if (command.name !== "git") return;
  const text = describe(command);
  const { sub, rest } = gitSubcommand(command.args);
  const config = command.args.flatMap((a, i) => (command.args[i - 1] === "-c" ? [a] : []));
  if (config.some((c) => /^core\.hookspath=/i.test(c)))
    out.violations.push(
      violation("ci.hooks-bypassed", "Refused: overriding core.hooksPath bypasses the repository's git hooks.", { evidence: text }),
    );
  switch (sub) {
    case "push": {
      const forced =
        hasFlag(rest, "f", "--force", "--mirror", "--delete", "--prune") ||
        hasFlag(rest, "d") ||
        rest.some((a) => a.startsWith("--force") || /^\+/.test(a) || /^:[^/]/.test(a));
      if (forced)
        out.violations.push(
          violation(
            "destructive.force-push",
            "Refused: forced push or remote branch deletion rewrites shared history; WAVE pushes its own branch from the app.",
            { evidence: text },
          ),
        );
      if (
        rest.some((a, i) => (a === "-o" || a === "--push-option") && /ci\.skip|skip/i.test(rest[i + 1] ?? "")) ||
        rest.some((a) => /^--push-option=.*skip/i.test(a))
      ) {
        out.violations.push(violation("ci.skip", "Refused: the push asks CI to skip this change.", { evidence: text }));
      }
      break;
    }
    case "filter-branch":
    case "filter-repo":
    case "replace":
      out.violations.push(
        violation("destructive.history-rewrite", `Refused: git ${sub} rewrites the repository's history.`, { evidence: text }),
      );
      break;
    case "reflog":
      if (rest[0] === "expire" || rest[0] === "delete")
        out.violations.push(
          violation("destructive.history-rewrite", "Refused: expiring the reflog destroys the record of history.", { evidence: text }),
        );
      break;
    case "update-ref":
      if (hasFlag(rest, "d"))
        out.violations.push(
          violation("destructive.history-rewrite", "Refused: deleting refs directly bypasses git's safety checks.", { evidence: text }),
        );
      break;
    case "rebase":
      if (!rest.some((a) => ["--abort", "--continue", "--skip", "--quit", "--show-current-patch"].includes(a))) {
        out.violations.push(
          violation(
            "destructive.local-history-rewrite",
            "Flagged: rebase rewrites commits; WAVE exports the change as a diff, so history edits are not needed.",
            { evidence: text },
          ),
        );
      }
      break;
    case "reset":
      if (rest.includes("--hard") && rest.some((a) => /^(HEAD[~^]|origin\/|[0-9a-f]{7,40}$)/.test(a))) {
        out.violations.push(
          violation("destructive.local-history-rewrite", "Flagged: reset --hard to another commit throws commits away.", {
            evidence: text,
          }),
        );
      }
      break;
    case "commit": {
      if (rest.includes("--amend"))
        out.violations.push(
          violation("destructive.local-history-rewrite", "Flagged: --amend rewrites the last commit.", { evidence: text }),
        );
      if (hasFlag(rest, "n", "--no-verify"))
        out.violations.push(
          violation("ci.hooks-bypassed", "Flagged: --no-verify skips the repository's commit hooks.", { evidence: text }),
        );
      const message = rest.flatMap((a, i) =>
        a === "-m" || a === "--message" || /^-[a-z]*m$/.test(a) ? [rest[i + 1] ?? ""] : a.startsWith("--message=") ? [a.slice(10)] : [],
      );
      if (message.some((m) => skipCi.test(m)))
        out.violations.push(violation("ci.skip", "Refused: the commit message tells CI to skip this change.", { evidence: text }));
      break;
    }
    case "config":
      if (rest.some((a) => /^core\.hookspath$/i.test(a)))
        out.violations.push(
          violation("ci.hooks-bypassed", "Refused: changing core.hooksPath bypasses the repository's git hooks.", { evidence: text }),
        );
      break;
    default:
      break;
  }
};
