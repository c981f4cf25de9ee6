import type { CommandVerdict, Decision } from "../authorize.js";
import { commandLabel } from "../command-catalog.js";
import { levelName, levelPhrase } from "./describe-rule.js";

export interface RefusalInput {
  login: string;
  /** `owner/name`, so the reader knows which repository's role counts. */
  repository: string;
  decision: Decision;
}

/**
 * The reply to a refused comment: for each refused command, the role it
 * needs and the role the sender has (bors-ng #169: never just "denied").
 */
export function renderRefusal({ login, repository, decision }: RefusalInput): string {
  const has = levelName(decision.actual);
  const lines = decision.verdicts
    .filter((verdict): verdict is Extract<CommandVerdict, { allowed: false }> => !verdict.allowed)
    .map((verdict) => `- ${refusedLine(verdict, has, repository)}`);
  return [`@${login}, I did not run this comment, so nothing was done:`, "", ...lines].join("\n");
}

function refusedLine(verdict: Extract<CommandVerdict, { allowed: false }>, has: string, repository: string): string {
  const label = `\`${commandLabel(verdict.command)}\``;
  const yours = has === "no role" ? "**no role**" : has === "organisation owner" ? "**organisation owner**" : `the **${has}** role`;
  if (verdict.why === "starter") {
    return `${label}: you started this story, and whoever starts a story may not use this command, whatever their role (you have ${yours} on ${repository}); ask someone else (${levelPhrase(verdict.needed)}).`;
  }
  const others = verdict.alternatives.map((alternative) => {
    switch (alternative) {
      case "starter":
        return "the person who started the story";
      case "hold-placer":
        return "the person who placed the hold";
      case "users":
        return "the users named in commands.permissions";
      case "teams":
        return "members of the teams named in commands.permissions";
    }
  });
  const or = others.length > 0 ? ` (or ${others.join(", or ")})` : "";
  const needs = verdict.needed === "owner" ? "an **organisation owner**" : `the **${levelName(verdict.needed)}** role or above`;
  return `${label} needs ${needs}${or}; you have ${yours} on ${repository}.`;
}
