import type { IgnoredKey } from "../../config/org-authority.js";
import type { CommandName } from "../command-catalog.js";

/**
 * Why a refused command's rule is not the one the repository's file wrote:
 * the organisation's value held. Empty when no refused command's rule was overridden.
 */
export function renderOverriddenKeys(ignored: readonly IgnoredKey[], refused: readonly CommandName[]): string | null {
  const lines = ignored
    .filter((item) => refused.some((command) => item.key.startsWith(`commands.permissions.${command}.`)))
    .map((item) => `- \`${item.key}\`: ${item.message}`);
  if (lines.length === 0) return null;
  return ["The organisation's rule holds, not this repository's:", ...lines].join("\n");
}
