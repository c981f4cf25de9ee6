import type { CommandsConfig } from "../../config/sections/commands.js";
import { isPlausibleTypo } from "../closest-command.js";
import { commandLabel, commandUsage } from "../command-catalog.js";
import type { LineProblem, ParseResult } from "../parse-commands.js";
import { codeText } from "./escape.js";
import { renderHelp } from "./help.js";

type Unrunnable = Extract<ParseResult, { kind: "invalid" | "too-many" | "contradiction" }>;

/**
 * The reply to a comment that was not run because of how it is written:
 * unknown commands (with the closest known one and the help text), bad
 * arguments, too many commands, or commands that contradict each other.
 */
export function renderParseProblems(login: string, result: Unrunnable, permissions: CommandsConfig["permissions"]): string {
  const head = `@${login}, I did not run this comment, so nothing was done:`;
  switch (result.kind) {
    case "too-many":
      return `${head} it has ${result.count} \`/wave\` lines and one comment may carry at most ${result.limit}. Split it into several comments.`;
    case "contradiction": {
      const lines = result.conflicts.map((conflict) =>
        conflict.first === conflict.second
          ? `- \`${commandLabel(conflict.first)}\`: ${conflict.reason}.`
          : `- \`${commandLabel(conflict.first)}\` and \`${commandLabel(conflict.second)}\` contradict each other: ${conflict.reason}.`,
      );
      return [head, "", ...lines, "", "Send the one you mean in a new comment."].join("\n");
    }
    case "invalid": {
      const lines = result.problems.map((problem) => `- ${problemLine(problem)}`);
      const needsHelp = result.problems.some((problem) => problem.kind !== "bad-arguments");
      return [head, "", ...lines, ...(needsHelp ? ["", renderHelp(permissions)] : [])].join("\n");
    }
  }
}

function problemLine(problem: LineProblem): string {
  switch (problem.kind) {
    case "missing-command":
      return "`/wave` needs a command after it, for example `/wave status`.";
    case "unknown": {
      const known = `\`${commandUsage[problem.closest]}\``;
      const guess = isPlausibleTypo({ name: problem.closest, spelling: problem.closest, distance: problem.distance })
        ? ` Did you mean ${known}?`
        : "";
      return `I do not know \`/wave ${codeText(problem.written)}\`.${guess}`;
    }
    case "bad-arguments":
      return `\`${commandLabel(problem.command)}\`: ${problem.message}`;
  }
}
