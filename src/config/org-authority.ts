import type { CommandName } from "../commands/command-catalog.js";
import { higher, levelRank } from "../commands/permission-levels.js";
import type { CommandsConfig, PermissionRule } from "./sections/commands.js";

/** A repository's setting the organisation's value overrode: shown in `wave/config` and in refusal replies. */
export interface IgnoredKey {
  /** The dotted key, e.g. `commands.permissions.resume-all.role`. */
  key: string;
  /** What the repository asked for, what holds instead, and why, in one sentence. */
  message: string;
}

/**
 * Commands that act on every repository of the organisation: their rules come
 * only from the organisation's `.github` repository (or WAVE's defaults), so
 * a repository's own file can never widen who may stop or resume them all.
 */
export const ORGANISATION_COMMANDS: readonly CommandName[] = ["stop-all", "resume-all"];

type Permissions = CommandsConfig["permissions"];

const held = (key: string, asked: string, holds: string) =>
  `this repository's file asks for ${asked}, but the organisation's .github repository decides \`${key}\` and its ${holds} holds (a repository may only tighten it).`;

/**
 * One governed command's rule: the organisation's rule, tightened by the
 * repository's wherever the repository is stricter. Pure. Each key's rule:
 * - `role`: the higher of the two;
 * - `users`, `teams`: only entries the organisation lists too (a repository may drop names, never add them);
 * - `allow_starter`, `allow_hold_placer`: on only when both are on;
 * - `deny_starter`, `code_owners`: on when either is on.
 */
export function tightenRule(
  command: CommandName,
  org: PermissionRule,
  repo: PermissionRule,
): { rule: PermissionRule; ignored: IgnoredKey[] } {
  const base = `commands.permissions.${command}`;
  const ignored: IgnoredKey[] = [];
  const role = higher(org.role, repo.role);
  if (levelRank(repo.role) < levelRank(org.role))
    ignored.push({ key: `${base}.role`, message: held(`${base}.role`, `\`${repo.role}\``, `\`${org.role}\``) });
  const subset = (field: "users" | "teams") => {
    const allowed = new Set(org[field].map((name) => name.toLowerCase()));
    const added = repo[field].filter((name) => !allowed.has(name.toLowerCase()));
    if (added.length > 0)
      ignored.push({
        key: `${base}.${field}`,
        message: held(
          `${base}.${field}`,
          added.map((name) => `\`${name}\``).join(", "),
          `list (${org[field].length === 0 ? "empty" : org[field].map((n) => `\`${n}\``).join(", ")})`,
        ),
      });
    return repo[field].filter((name) => allowed.has(name.toLowerCase()));
  };
  const both = (field: "allow_starter" | "allow_hold_placer") => {
    if (repo[field] && !org[field]) ignored.push({ key: `${base}.${field}`, message: held(`${base}.${field}`, "`true`", "`false`") });
    return org[field] && repo[field];
  };
  const either = (field: "deny_starter" | "code_owners") => {
    const [o, r] = [org[field] === true, repo[field] === true];
    if (o && !r) ignored.push({ key: `${base}.${field}`, message: held(`${base}.${field}`, "`false`", "`true`") });
    return o || r;
  };
  return {
    rule: {
      role,
      users: subset("users"),
      teams: subset("teams"),
      allow_starter: both("allow_starter"),
      allow_hold_placer: both("allow_hold_placer"),
      deny_starter: either("deny_starter"),
      ...("code_owners" in repo || "code_owners" in org ? { code_owners: either("code_owners") } : {}),
    },
    ignored,
  };
}

/**
 * The commands whose rules the organisation governs: `stop-all` and
 * `resume-all` always, and every other command whose rule the organisation's
 * file names under `commands.permissions` (its value is then a floor for
 * every repository, not a default).
 */
export function governedCommands(orgRaw: Record<string, unknown>): CommandName[] {
  const commands = orgRaw.commands;
  const permissions = typeof commands === "object" && commands !== null ? (commands as Record<string, unknown>).permissions : undefined;
  const named = typeof permissions === "object" && permissions !== null ? (Object.keys(permissions) as CommandName[]) : [];
  return [...new Set([...ORGANISATION_COMMANDS, ...named])];
}

/** Applies `tightenRule` to every governed command. Pure. */
export function applyOrgAuthority(
  merged: Permissions,
  org: Permissions,
  governed: readonly CommandName[],
): { permissions: Permissions; ignored: IgnoredKey[] } {
  const permissions = structuredClone(merged);
  const ignored: IgnoredKey[] = [];
  for (const command of governed) {
    if (!(command in org)) continue;
    const result = tightenRule(command, org[command], merged[command]);
    (permissions as Record<CommandName, PermissionRule>)[command] = result.rule;
    ignored.push(...result.ignored);
  }
  return { permissions, ignored };
}
