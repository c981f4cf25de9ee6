import type { CommandsConfig, PermissionLevel, PermissionRule } from "../config/sections/commands.js";
import type { RepositoryRole } from "../config/sections/story.js";
import type { Command, CommandName } from "./command-catalog.js";
import { higher, meets, standing } from "./permission-levels.js";

/** What is known about the sender when a decision is made. */
export interface SenderFacts {
  login: string;
  /** The sender's role on the repository; `none` for outside users. */
  role: RepositoryRole;
  /** An owner of the organisation owning the repository (for a user's repository: that user). */
  isOwner: boolean;
  /** Slugs of the teams, among those the rules name, that the sender is an active member of. */
  teams: ReadonlySet<string>;
}

/** What is known about the story the commands are about. */
export interface StoryFacts {
  /** Login of who started the story (added the label), when there is a story. */
  starter: string | null;
  /** Logins of the people whose own holds are in place (a placer may lift their own hold, never another's). */
  holdPlacers: readonly string[];
}

/** Why a command was allowed, for the audit record. */
export type AllowedBy = "anyone" | "role" | "owner" | "user" | "team" | "starter" | "hold-placer";

export type CommandVerdict =
  | { command: CommandName; allowed: true; by: AllowedBy; needed: PermissionLevel }
  | {
      command: CommandName;
      allowed: false;
      /** `role`: the sender's standing is too low; `starter`: the starter may not do this at all. */
      why: "role" | "starter";
      needed: PermissionLevel;
      /** Other ways the rule would have allowed it, for the refusal reply. */
      alternatives: ("starter" | "hold-placer" | "users" | "teams")[];
    };

/** The verdict on a whole comment: it runs only when every command is allowed. */
export interface Decision {
  allowed: boolean;
  /** The highest level any of the comment's commands needs. */
  needed: PermissionLevel;
  /** The sender's own standing: their repository role, or `owner`. */
  actual: PermissionLevel;
  verdicts: CommandVerdict[];
}

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** Decides one command under one rule. */
export function decideCommand(command: CommandName, rule: PermissionRule, sender: SenderFacts, story: StoryFacts): CommandVerdict {
  const needed = rule.role;
  // Separation of duties comes first: the person who asked for the work cannot also sign it off.
  if (rule.deny_starter && same(story.starter, sender.login)) {
    return { command, allowed: false, why: "starter", needed, alternatives: [] };
  }
  const has = standing(sender.role, sender.isOwner);
  if (needed === "none") return { command, allowed: true, by: "anyone", needed };
  if (meets(has, needed)) return { command, allowed: true, by: sender.isOwner && needed === "owner" ? "owner" : "role", needed };
  if (rule.users.some((user) => same(user, sender.login))) return { command, allowed: true, by: "user", needed };
  if (rule.teams.some((team) => sender.teams.has(team))) return { command, allowed: true, by: "team", needed };
  if (rule.allow_starter && same(story.starter, sender.login)) return { command, allowed: true, by: "starter", needed };
  if (rule.allow_hold_placer && story.holdPlacers.some((placer) => same(placer, sender.login)))
    return { command, allowed: true, by: "hold-placer", needed };
  const alternatives: ("starter" | "hold-placer" | "users" | "teams")[] = [];
  if (rule.allow_starter) alternatives.push("starter");
  if (rule.allow_hold_placer) alternatives.push("hold-placer");
  if (rule.users.length > 0) alternatives.push("users");
  if (rule.teams.length > 0) alternatives.push("teams");
  return { command, allowed: false, why: "role", needed, alternatives };
}

/**
 * Decides a whole comment. It needs the highest permission any of its
 * commands needs, so one refused command refuses all of them.
 */
export function authorize(
  commands: readonly Command[],
  permissions: CommandsConfig["permissions"],
  sender: SenderFacts,
  story: StoryFacts,
): Decision {
  const verdicts = uniqueNames(commands).map((name) => decideCommand(name, permissions[name], sender, story));
  const needed = verdicts.reduce<PermissionLevel>((level, verdict) => higher(level, verdict.needed), "none");
  return {
    allowed: verdicts.every((verdict) => verdict.allowed),
    needed,
    actual: standing(sender.role, sender.isOwner),
    verdicts,
  };
}

/** What must be looked up about the sender before `authorize` can decide. */
export interface LookupsNeeded {
  role: boolean;
  owner: boolean;
  /** Teams worth asking about; empty when the rules name none. */
  teams: string[];
}

/**
 * The lookups a comment calls for, so `/wave status` and `/wave help` cost
 * no API call and ownership is only asked for by commands that need it.
 */
export function lookupsNeeded(commands: readonly Command[], permissions: CommandsConfig["permissions"]): LookupsNeeded {
  const rules = uniqueNames(commands).map((name) => permissions[name]);
  const guarded = rules.filter((rule) => rule.role !== "none");
  return {
    role: guarded.length > 0,
    owner: guarded.some((rule) => rule.role === "owner"),
    teams: [...new Set(guarded.flatMap((rule) => rule.teams))],
  };
}

function uniqueNames(commands: readonly Command[]): CommandName[] {
  return [...new Set(commands.map((command) => command.name))];
}
