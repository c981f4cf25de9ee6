import type { PermissionLevel } from "../config/sections/commands.js";
import type { CommandName } from "./command-catalog.js";
import type { Decision } from "./authorize.js";
import { higher } from "./permission-levels.js";

/**
 * The authority a permitted command carries into the statechart, which
 * decides from it which holds the command may lift (src/story/hold-rules.ts).
 * A `users`/`teams` entry grants the rule's level; being the starter or the
 * hold's placer grants nothing beyond the sender's own standing, so a triage
 * user who placed a hold lifts that hold and no other.
 */
export function grantedAuthority(decision: Decision, command: CommandName): PermissionLevel {
  const verdict = decision.verdicts.find((v) => v.command === command);
  if (!verdict || !verdict.allowed) return "none";
  if (verdict.by === "user" || verdict.by === "team") return higher(decision.actual, verdict.needed);
  return decision.actual;
}
