/**
 * Every `/wave` command, its aliases and what it takes. The parser, the
 * permission rules, the help text and the check-run buttons all read this
 * one list, so a new command is added here first.
 */
export const commandNames = [
  "hold",
  "unhold",
  "approve",
  "kill",
  "recycle",
  "retry",
  "status",
  "help",
  "budget",
  "stop-all",
  "resume-all",
] as const;
export type CommandName = (typeof commandNames)[number];

/** Other spellings accepted for a command. */
export const commandAliases: Readonly<Record<string, CommandName>> = { resume: "unhold" };

/** A command as parsed, with its arguments checked. */
export type Command =
  | { name: "hold"; reason: string | null }
  | { name: "unhold" }
  | { name: "approve" }
  | { name: "kill"; reason: string }
  | { name: "recycle"; feedback: string }
  | { name: "retry" }
  | { name: "status" }
  | { name: "help" }
  | { name: "budget"; amountCents: number }
  | { name: "stop-all"; reason: string | null }
  | { name: "resume-all" };

/** How a command's arguments are written, for the help text and error replies. */
export const commandUsage: Readonly<Record<CommandName, string>> = {
  hold: "/wave hold [reason]",
  unhold: "/wave unhold",
  approve: "/wave approve",
  kill: "/wave kill <reason>",
  recycle: "/wave recycle <feedback>",
  retry: "/wave retry",
  status: "/wave status",
  help: "/wave help",
  budget: "/wave budget +<usd>",
  "stop-all": "/wave stop-all [reason]",
  "resume-all": "/wave resume-all",
};

/** One line on what each command does, for the help text. */
export const commandPurpose: Readonly<Record<CommandName, string>> = {
  hold: "Pause the story where it is.",
  unhold: "Lift the hold (alias `resume`).",
  approve: "Approve the plan or the pull request for the gate that waits on a human.",
  kill: "Stop the story for good; the reason is recorded.",
  recycle: "Send the story back to build with your feedback.",
  retry: "Run the failed step again.",
  status: "Show where the story is and the last commands.",
  help: "Show this help.",
  budget: "Add to the story's budget, in USD (for example `+2.50`).",
  "stop-all": "Emergency stop: hold every story of the organisation and stop its sandboxes.",
  "resume-all": "Lift the emergency stop.",
};

/** Commands that only read; they never change a story. */
export const readOnlyCommands: ReadonlySet<CommandName> = new Set<CommandName>(["status", "help"]);

/** Commands that act on the whole organisation rather than on one story. */
export const organisationCommands: ReadonlySet<CommandName> = new Set<CommandName>(["stop-all", "resume-all"]);

/** The command's name as written in replies: `/wave approve`. */
export function commandLabel(name: CommandName): string {
  return `/wave ${name}`;
}
