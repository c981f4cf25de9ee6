import type { SimpleCommand } from "../shell/simple-command.js";
import type { Violation } from "../types.js";

/** What command rules need besides the command. */
export interface CommandRuleContext {
  workspaceRoot: string;
  allowedHosts: string[];
  isForbidden: (repoPath: string) => boolean;
}

/** Where rules put what they find. */
export interface Findings {
  violations: Violation[];
  uncertainties: string[];
}

export type CommandRule = (command: SimpleCommand, context: CommandRuleContext, out: Findings) => void;

/** The command as a reader would write it, wrappers included. */
export function describe(command: SimpleCommand): string {
  return [...command.wrappers, command.name, ...command.args].join(" ");
}

/** Arguments that are not options (everything after `--` counts). */
export function operands(args: string[], optionsWithValue: string[] = []): string[] {
  const out: string[] = [];
  let endOfOptions = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!endOfOptions && a === "--") {
      endOfOptions = true;
      continue;
    }
    if (!endOfOptions && a.startsWith("-") && a !== "-") {
      if (optionsWithValue.includes(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** Whether a short-flag cluster or long flag is present: `hasFlag(["-rf"], "r", "--recursive")`. */
export function hasFlag(args: string[], short: string, ...long: string[]): boolean {
  return args.some((a) => long.includes(a) || (short !== "" && /^-[A-Za-z]+$/.test(a) && a.slice(1).includes(short)));
}
