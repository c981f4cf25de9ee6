import type { CommandsConfig, PermissionLevel } from "../config/sections/commands.js";
import type { Decision, SenderFacts, StoryFacts } from "./authorize.js";
import type { Command } from "./command-catalog.js";
import type { CommandEvent } from "./command-event.js";
import { authorizeSender } from "./github/authorize-sender.js";
import type { OctokitRequest } from "./github/repository-role.js";
import type { SenderDirectory } from "./github/sender-directory.js";
import { parseCommands, type ParseResult } from "./parse-commands.js";
import { renderHelp } from "./render/help.js";
import { renderParseProblems } from "./render/parse-problems.js";
import { renderRefusal } from "./render/refusal.js";

type Actionable = Extract<CommandEvent, { kind: "text" | "button" }>;

/**
 * What to do about an event. `reply` is the comment to post, when one is
 * due: errors and refusals, and help. Status replies need story data, so the
 * caller renders them with `renderStatus`.
 */
export type Evaluation =
  | { kind: "ignored"; reason: "bot" | "not-a-command" | "no-commands" }
  | { kind: "unrunnable"; event: Actionable; result: Exclude<ParseResult, { kind: "none" | "commands" }>; reply: string }
  | { kind: "refused"; event: Actionable; commands: Command[]; decision: Decision; sender: SenderFacts; roleKnown: boolean; reply: string }
  | {
      kind: "accepted";
      event: Actionable;
      commands: Command[];
      decision: Decision;
      sender: SenderFacts;
      roleKnown: boolean;
      reply: string | null;
    };

/** Loads what is needed only once a comment turns out to hold commands, so ordinary comments cost nothing. */
export interface EvaluationContext {
  config: () => Promise<CommandsConfig> | CommandsConfig;
  story: () => Promise<StoryFacts> | StoryFacts;
}

/** Event → commands → permission decision, with the reply text. Effects (reactions, audit, the story) are the caller's. */
export async function evaluateCommandEvent(
  octokit: OctokitRequest,
  directory: SenderDirectory,
  event: CommandEvent,
  context: EvaluationContext,
): Promise<Evaluation> {
  if (event.kind === "ignored") return event;
  // Most comments are conversation: skip loading config unless a line could be a command.
  if (event.kind === "text" && !/^[ \t\uFEFF]*\/wave/im.test(event.text)) return { kind: "ignored", reason: "no-commands" };
  const config = await context.config();
  let commands: Command[];
  if (event.kind === "button") {
    commands = [event.command];
  } else {
    const result = parseCommands(event.text, { maxCommands: config.max_per_comment, maxBudgetIncreaseUsd: config.max_budget_increase_usd });
    if (result.kind === "none") return { kind: "ignored", reason: "no-commands" };
    if (result.kind !== "commands") {
      return { kind: "unrunnable", event, result, reply: renderParseProblems(event.sender.login, result, config.permissions) };
    }
    commands = result.commands;
  }
  const outcome = await authorizeSender(octokit, directory, {
    sender: event.sender,
    repository: event.repository,
    commands,
    story: await context.story(),
    config,
  });
  if (outcome.kind === "ignored") return outcome;
  const { decision, sender, roleKnown } = outcome;
  if (!decision.allowed) {
    const repository = `${event.repository.owner.login}/${event.repository.name}`;
    return {
      kind: "refused",
      event,
      commands,
      decision,
      sender,
      roleKnown,
      reply: renderRefusal({ login: sender.login, repository, decision }),
    };
  }
  const reply = commands.some((command) => command.name === "help") ? renderHelp(config.permissions) : null;
  return { kind: "accepted", event, commands, decision, sender, roleKnown, reply };
}

/** The role to record in the audit trail: null when it was not looked up (unrunnable comments, `status`, `help`). */
export function auditRole(evaluation: Evaluation): PermissionLevel | null {
  if (evaluation.kind !== "accepted" && evaluation.kind !== "refused") return null;
  return evaluation.roleKnown ? evaluation.decision.actual : null;
}
