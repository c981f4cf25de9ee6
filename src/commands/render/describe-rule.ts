import type { PermissionLevel, PermissionRule } from "../../config/sections/commands.js";
import { quietLogin } from "./escape.js";

/** A level as a person reads it: "maintain", "no role", "organisation owner". */
export function levelName(level: PermissionLevel): string {
  if (level === "none") return "no role";
  if (level === "owner") return "organisation owner";
  return level;
}

/** "maintain and above", "anyone", "organisation owners". */
export function levelPhrase(level: PermissionLevel): string {
  if (level === "none") return "anyone";
  if (level === "owner") return "organisation owners";
  if (level === "admin") return "admin";
  return `${level} and above`;
}

/** Who a rule lets in, in one phrase for the help table: "the story's starter, or triage and above". */
export function describeRule(rule: PermissionRule): string {
  const who: string[] = [];
  if (rule.allow_starter) who.push("the story's starter");
  if (rule.allow_hold_placer) who.push("whoever placed the hold");
  who.push(levelPhrase(rule.role));
  if (rule.users.length > 0) who.push(`users ${rule.users.map(quietLogin).join(", ")}`);
  if (rule.teams.length > 0) who.push(`teams ${rule.teams.map((team) => `\`${team}\``).join(", ")}`);
  const phrase = who.length === 1 ? (who[0] ?? "") : `${who.slice(0, -1).join(", ")}, or ${who.at(-1) ?? ""}`;
  return rule.deny_starter ? `${phrase}; never the story's starter` : phrase;
}
