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

const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "a GitHub login: letters, digits and hyphens, at most 39 characters");
const teamSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, "a team slug of the repository's organisation, as in its URL (lowercase)");

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
function permissionShape(defaults: PermissionRuleDefaults) {
  return {
    role: permissionLevel
      .default(defaults.role)
      .describe("The least role that may use the command: a repository role, `owner` (organisation owner), or `none` for anyone."),
    users: z.array(login).max(100).default([]).describe("Logins allowed to use the command whatever their role."),
    teams: z
      .array(teamSlug)
      .max(20)
      .default([])
      .describe("Slugs of teams in the repository's organisation whose active members may use the command whatever their role."),
    allow_starter: z
      .boolean()
      .default(defaults.allow_starter)
      .describe("The person who started the story may use the command whatever their role."),
    allow_hold_placer: z
      .boolean()
      .default(defaults.allow_hold_placer)
      .describe("The person who placed the current hold may use the command whatever their role."),
    deny_starter: z
      .boolean()
      .default(defaults.deny_starter)
      .describe("The person who started the story may never use the command, whatever their role, user or team entry."),
  };
}

function permissionRule(defaults: PermissionRuleDefaults) {
  return z.object(permissionShape(defaults)).strict().prefault({});
}

const rule = (role: PermissionLevel, extra: Partial<PermissionRuleDefaults> = {}) =>
  permissionRule({ role, allow_starter: false, allow_hold_placer: false, deny_starter: false, ...extra });

/** `commands:` in .github/wave.yml. Owned by the commands layer; every key has a documented default. */
export const commandsSection = z
  .object({
    role_cache_seconds: z
      .number()
      .int()
      .min(0)
      .max(600)
      .default(60)
      .describe("How long a sender's repository role, organisation ownership and team membership are remembered, in seconds."),
    max_per_comment: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(10)
      .describe("The most `/wave` lines one comment may carry; a comment with more is refused whole."),
    max_budget_increase_usd: z
      .number()
      .positive()
      .max(100_000)
      .default(100)
      .describe("The most one `/wave budget +<usd>` may add, in USD, so a typo cannot add a fortune."),
    permissions: z
      .object({
        status: rule("none").describe("Who may use `/wave status`: anyone by default."),
        help: rule("none").describe("Who may use `/wave help`: anyone by default."),
        hold: rule("triage", { allow_starter: true }).describe(
          "Who may use `/wave hold [reason]`: the story's starter, or triage and above by default.",
        ),
        unhold: rule("maintain", { allow_hold_placer: true }).describe(
          "Who may use `/wave unhold` (alias `resume`): who placed the hold, or maintain and above by default.",
        ),
        approve: z
          .object({
            ...permissionShape({ role: "write", allow_starter: false, allow_hold_placer: false, deny_starter: true }),
            code_owners: z
              .boolean()
              .default(false)
              .describe(
                "At the review gate, approval counts only once code owners (CODEOWNERS on the base branch) of every changed path approved; several owners' approvals add up.",
              ),
          })
          .strict()
          .prefault({})
          .describe("Who may use `/wave approve`: write and above, never the story's starter, by default."),
        kill: rule("maintain").describe("Who may use `/wave kill <reason>`: maintain and above by default."),
        recycle: rule("write").describe("Who may use `/wave recycle <feedback>`: write and above by default."),
        retry: rule("write").describe("Who may use `/wave retry`: write and above by default."),
        budget: rule("maintain").describe("Who may use `/wave budget +<usd>`: maintain and above by default."),
        "stop-all": rule("owner").describe("Who may use `/wave stop-all [reason]`: organisation owners by default."),
        "resume-all": rule("owner").describe("Who may use `/wave resume-all`: organisation owners by default."),
      })
      .strict()
      .prefault({})
      .describe("Who may use each command; each rule overrides only the keys it names, so `kill: { users: [alice] }` only adds alice."),
  })
  .strict()
  .prefault({})
  .describe("How `/wave` commands in comments are read and who may use each.");

export type CommandsConfig = z.infer<typeof commandsSection>;
/** One command's rule; only `approve` carries `code_owners`. */
export type PermissionRule = CommandsConfig["permissions"]["hold"] & { code_owners?: boolean };
