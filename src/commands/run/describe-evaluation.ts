import type { Evaluation } from "../evaluate-command-event.js";
import { formatCommand } from "../format-command.js";
import { levelName } from "../render/describe-rule.js";

type Decided = Exclude<Evaluation, { kind: "ignored" }>;

/** The commands of an evaluated comment as the audit trail shows them: parsed ones written back, unreadable lines as written. */
export function auditedCommands(evaluation: Decided): string[] {
  if (evaluation.kind !== "unrunnable") return evaluation.commands.map(formatCommand);
  const { result } = evaluation;
  switch (result.kind) {
    case "too-many":
      return [`(${result.count} /wave lines; at most ${result.limit})`];
    case "contradiction":
      return result.commands.map(formatCommand);
    case "invalid":
      return [...result.commands.map(formatCommand), ...result.problems.map((problem) => problem.line)];
  }
}

/** Why a comment was not run, in a few words, for the audit trail. */
export function refusalNote(evaluation: Decided): string {
  switch (evaluation.kind) {
    case "unrunnable":
      return evaluation.result.kind === "too-many"
        ? "too many commands"
        : evaluation.result.kind === "contradiction"
          ? "commands contradict each other"
          : "could not be read";
    case "refused":
      return `needs ${levelName(evaluation.decision.needed)}; has ${levelName(evaluation.decision.actual)}`;
    case "accepted":
      return "";
  }
}
