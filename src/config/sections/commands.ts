import { z } from "zod";
import { repositoryRoles } from "./story.js";

/**
 * What a rule may ask of a sender: a repository role, or `owner` (an owner of
 * the organisation that owns the repository; for a repository owned by a user,
 * that user).
 */
export const permissionLevels = [...repositoryRoles, "owner"] as const;
export const permissionLevel = z.enum(permissionLevels);
export type PermissionLevel = z.infer<typeof permissionLevel>;

const login = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "a GitHub login: letters, digits and hyphens, at most 39 characters");
const teamSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, "a team slug of the repository's organisation, as in its URL (lowercase)");

export interface PermissionRuleDefaults {
  role: PermissionLevel;
  allow_starter: boolean;
  allow_hold_placer: boolean;
  deny_starter: boolean;
}

/**
 * One command's rule. Keys left out keep that command's default, so
 * `kill: { users: [alice] }` only adds alice.
 */
function permissionRule(defaults: PermissionRuleDefaults) {
  return z
    .object({
      /** The least role that may use the command: a repository role, `owner` (organisation owner), or `none` for anyone. */
      role: permissionLevel.default(defaults.role),
      /** Logins allowed whatever their role. */
      users: z.array(login).max(100).default([]),
      /** Slugs of teams in the repository's organisation whose active members are allowed whatever their role. */
      teams: z.array(teamSlug).max(20).default([]),
      /** The person who started the story may use the command whatever their role. */
      allow_starter: z.boolean().default(defaults.allow_starter),
      /** The person who placed the current hold may use the command whatever their role. */
      allow_hold_placer: z.boolean().default(defaults.allow_hold_placer),
      /** The person who started the story may never use the command, whatever their role, user or team entry. */
      deny_starter: z.boolean().default(defaults.deny_starter),
    })
    .strict()
    .prefault({});
}

const rule = (role: PermissionLevel, extra: Partial<PermissionRuleDefaults> = {}) =>
  permissionRule({ role, allow_starter: false, allow_hold_placer: false, deny_starter: false, ...extra });

/** `commands:` in .github/wave.yml. Owned by the commands layer; every key has a documented default. */
export const commandsSection = z
  .object({
    /** How long a sender's repository role, organisation ownership and team membership are remembered, in seconds. */
    role_cache_seconds: z.number().int().min(0).max(600).default(60),
    /** The most `/wave` lines one comment may carry; a comment with more is refused whole. */
    max_per_comment: z.number().int().min(1).max(20).default(10),
    /** The most one `/wave budget +<usd>` may add, in USD, so a typo cannot add a fortune. */
    max_budget_increase_usd: z.number().positive().max(100_000).default(100),
    /** Who may use each command. Each rule overrides only the keys it names. */
    permissions: z
      .object({
        /** `/wave status`: anyone. */
        status: rule("none"),
        /** `/wave help`: anyone. */
        help: rule("none"),
        /** `/wave hold [reason]`: the story's starter, or triage and above. */
        hold: rule("triage", { allow_starter: true }),
        /** `/wave unhold` (alias `resume`): who placed the hold, or maintain and above. */
        unhold: rule("maintain", { allow_hold_placer: true }),
        /** `/wave approve`: write and above, never the story's starter. */
        approve: rule("write", { deny_starter: true }),
        /** `/wave kill <reason>`: maintain and above. */
        kill: rule("maintain"),
        /** `/wave recycle <feedback>`: write and above. */
        recycle: rule("write"),
        /** `/wave retry`: write and above. */
        retry: rule("write"),
        /** `/wave budget +<usd>`: maintain and above. */
        budget: rule("maintain"),
        /** `/wave stop-all [reason]`: organisation owners. */
        "stop-all": rule("owner"),
        /** `/wave resume-all`: organisation owners. */
        "resume-all": rule("owner"),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type CommandsConfig = z.infer<typeof commandsSection>;
export type PermissionRule = CommandsConfig["permissions"]["hold"];
