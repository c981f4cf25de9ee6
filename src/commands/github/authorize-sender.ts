import type { CommandsConfig } from "../../config/sections/commands.js";
import { authorize, lookupsNeeded, type Decision, type SenderFacts, type StoryFacts } from "../authorize.js";
import type { Command } from "../command-catalog.js";
import type { EventRepository } from "../command-event.js";
import { isBot, type EventSender } from "../is-bot.js";
import type { OctokitRequest } from "./repository-role.js";
import type { SenderDirectory } from "./sender-directory.js";

export interface AuthorizeRequest {
  sender: EventSender;
  repository: EventRepository;
  commands: readonly Command[];
  story: StoryFacts;
  config: CommandsConfig;
}

export type AuthorizeOutcome =
  | { kind: "ignored"; reason: "bot" }
  | {
      kind: "decided";
      decision: Decision;
      sender: SenderFacts;
      /** False when no rule needed the role (only `status`/`help`), so `sender.role` is not known. */
      roleKnown: boolean;
    };

/**
 * Looks up only what the rules need (nothing for `status` and `help`, the
 * organisation membership only for owner rules, teams only when the role
 * alone falls short) and decides the comment. Throws a WaveError, with what
 * to do next, when GitHub cannot answer; refuse the comment then.
 */
export async function authorizeSender(
  octokit: OctokitRequest,
  directory: SenderDirectory,
  request: AuthorizeRequest,
): Promise<AuthorizeOutcome> {
  const { sender, repository, commands, story, config } = request;
  if (isBot(sender)) return { kind: "ignored", reason: "bot" };
  const ttl = config.role_cache_seconds;
  const needs = lookupsNeeded(commands, config.permissions);
  const facts: SenderFacts = {
    login: sender.login,
    role: needs.role ? await directory.role(octokit, { owner: repository.owner.login, repo: repository.name }, sender.login, ttl) : "none",
    isOwner: needs.owner ? await directory.isOwner(octokit, repository.owner, sender.login, ttl) : false,
    teams: new Set<string>(),
  };
  let decision = authorize(commands, config.permissions, facts, story);
  const roleKnown = needs.role;
  if (decision.allowed || repository.owner.type !== "Organization") return { kind: "decided", decision, sender: facts, roleKnown };

  // Ask about teams only for commands the role did not already allow.
  const teams = new Set<string>();
  for (const verdict of decision.verdicts) {
    if (verdict.allowed || verdict.why !== "role") continue;
    for (const team of config.permissions[verdict.command].teams) {
      if (teams.has(team)) break;
      if (await directory.isTeamMember(octokit, repository.owner.login, team, sender.login, ttl)) {
        teams.add(team);
        break;
      }
    }
  }
  if (teams.size === 0) return { kind: "decided", decision, sender: facts, roleKnown };
  const withTeams: SenderFacts = { ...facts, teams };
  decision = authorize(commands, config.permissions, withTeams, story);
  return { kind: "decided", decision, sender: withTeams, roleKnown };
}
