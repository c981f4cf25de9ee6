import type { CommandsConfig } from "../../config/sections/commands.js";
import { commandNames, commandPurpose, commandUsage } from "../command-catalog.js";
import { describeRule } from "./describe-rule.js";

/**
 * The `/wave help` reply: every command, what it does and who may use it
 * under this repository's rules.
 */
export function renderHelp(permissions: CommandsConfig["permissions"]): string {
  const rows = commandNames.map((name) => `| \`${commandUsage[name]}\` | ${commandPurpose[name]} | ${describeRule(permissions[name])} |`);
  return [
    "### WAVE commands",
    "",
    "Write each command on its own line, at the start of the line, in a new comment or review. Edited comments do not count, and commands inside code, quotes or HTML comments are ignored. A comment runs whole or not at all.",
    "",
    "| command | what it does | who may use it |",
    "|---|---|---|",
    ...rows,
    "",
    "The **Approve**, **Hold** and **Unhold** buttons on the `wave/gates` check run do the same as the commands, with the same rules.",
  ].join("\n");
}
