import { commandAliases, commandNames, commandUsage, type Command, type CommandName } from "./command-catalog.js";
import { closestCommand } from "./closest-command.js";
import { findConflicts, withoutRepeats, type Conflict } from "./contradictions.js";
import { proseLines } from "./prose-lines.js";

/** Why one `/wave` line could not be understood. */
export type LineProblem =
  | { kind: "unknown"; line: string; written: string; closest: CommandName; distance: number }
  | { kind: "missing-command"; line: string }
  | { kind: "bad-arguments"; line: string; command: CommandName; message: string };

/**
 * What a comment asks for. Anything but `commands` means nothing is run:
 * a comment is taken whole or not at all, so a typo on one line never lets
 * the other lines run half of what was meant.
 */
export type ParseResult =
  | { kind: "none" }
  | { kind: "commands"; commands: Command[] }
  | { kind: "invalid"; problems: LineProblem[]; commands: Command[] }
  | { kind: "too-many"; count: number; limit: number }
  | { kind: "contradiction"; commands: Command[]; conflicts: Conflict[] };

export interface ParseOptions {
  /** The most `/wave` lines one comment may carry. */
  maxCommands: number;
  /** The most one `/wave budget +<usd>` may add, in USD. */
  maxBudgetIncreaseUsd: number;
}

export const defaultParseOptions: ParseOptions = { maxCommands: 10, maxBudgetIncreaseUsd: 100 };

/** Reasons and feedback are kept to this length so audit rows and replies stay readable. */
export const maxReasonLength = 500;
export const maxFeedbackLength = 2000;

const commandLine = /^ {0,3}\/wave(?:\s+(\S+)(.*))?\s*$/i;
const startsLikeCommand = /^ {0,3}\/wave(?:\s|$)/i;

/**
 * Finds the `/wave` commands of a comment, review or similar text: one per
 * line, at the start of a line of rendered paragraph prose (prose-lines.ts),
 * in any case; never in code, HTML, quotes, lists, tables or details.
 */
export function parseCommands(body: string, options: ParseOptions = defaultParseOptions): ParseResult {
  const lines = commandLines(body);
  if (lines.length === 0) return { kind: "none" };
  if (lines.length > options.maxCommands) return { kind: "too-many", count: lines.length, limit: options.maxCommands };
  const commands: Command[] = [];
  const problems: LineProblem[] = [];
  for (const line of lines) {
    const parsed = parseLine(line.trim(), options);
    if ("kind" in parsed) problems.push(parsed);
    else commands.push(parsed);
  }
  if (problems.length > 0) return { kind: "invalid", problems, commands };
  const conflicts = findConflicts(commands);
  if (conflicts.length > 0) return { kind: "contradiction", commands, conflicts };
  return { kind: "commands", commands: withoutRepeats(commands) };
}

function parseLine(line: string, options: ParseOptions): Command | LineProblem {
  const match = commandLine.exec(line);
  const written = match?.[1];
  if (!match || written === undefined) return { kind: "missing-command", line };
  const lower = written.toLowerCase();
  const name = commandAliases[lower] ?? commandNames.find((known) => known === lower);
  if (!name) {
    const closest = closestCommand(lower);
    return { kind: "unknown", line, written, closest: closest.name, distance: closest.distance };
  }
  const args = (match[2] ?? "").trim().replace(/\s+/g, " ");
  const bad = (message: string): LineProblem => ({ kind: "bad-arguments", line, command: name, message });
  switch (name) {
    case "hold":
    case "stop-all":
      if (args.length > maxReasonLength) return bad(`The reason is longer than ${maxReasonLength} characters; shorten it.`);
      return { name, reason: args === "" ? null : args };
    case "kill":
      if (args === "") return bad(`A reason is required: \`${commandUsage.kill}\`.`);
      if (args.length > maxReasonLength) return bad(`The reason is longer than ${maxReasonLength} characters; shorten it.`);
      return { name, reason: args };
    case "recycle":
      if (args === "") return bad(`Say what to change: \`${commandUsage.recycle}\`.`);
      if (args.length > maxFeedbackLength) return bad(`The feedback is longer than ${maxFeedbackLength} characters; shorten it.`);
      return { name, feedback: args };
    case "budget":
      return parseBudget(args, options, bad);
    case "status":
    case "help":
      // Read-only, so words after them do no harm.
      return { name };
    case "unhold":
    case "approve":
    case "retry":
    case "resume-all":
      // `/wave approve not yet` must not approve: words after a command that takes none refuse the line.
      if (args !== "") return bad(`\`${commandUsage[name]}\` takes nothing after it; remove "${clip(args)}".`);
      return { name };
  }
}

function parseBudget(args: string, options: ParseOptions, bad: (message: string) => LineProblem): Command | LineProblem {
  const usage = `\`${commandUsage.budget}\`, for example \`/wave budget +2.50\``;
  const match = /^\+\s?\$?(\d{1,7})(?:\.(\d{1,2}))?$/.exec(args);
  if (!match?.[1]) {
    if (/^\$?\d/.test(args)) return bad(`Write a plus sign before the amount to add: ${usage}.`);
    if (/^\+\s?\$?\d+,\d{1,2}$/.test(args)) return bad(`Use a point for cents: ${usage}.`);
    return bad(`Give the amount to add in USD: ${usage}.`);
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
  if (cents <= 0) return bad(`The amount must be more than zero: ${usage}.`);
  if (cents > Math.round(options.maxBudgetIncreaseUsd * 100)) {
    return bad(`One command may add at most ${options.maxBudgetIncreaseUsd} USD (commands.max_budget_increase_usd).`);
  }
  return { name: "budget", amountCents: cents };
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The lines of `body` read as commands (trimmed), before they are parsed. */
export function commandLines(body: string): string[] {
  return proseLines(body)
    .filter((line) => startsLikeCommand.test(line))
    .map((line) => line.trim());
}
