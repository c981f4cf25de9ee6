import type { Command } from "./command-catalog.js";

/**
 * The command a clicked `wave/gates` button stands for, or null for an
 * identifier WAVE did not set. The buttons themselves are drawn by the checks
 * layer (`gateActions` in src/checks/gates-check.ts) with the identifiers
 * `approve`, `hold` and `unhold`; a click goes through the same permission
 * check as the typed command, against whoever clicked.
 */
export function commandForAction(identifier: string): Command | null {
  switch (identifier) {
    case "approve":
      return { name: "approve" };
    case "hold":
      return { name: "hold", reason: "held with the check-run button" };
    case "unhold":
      return { name: "unhold" };
    default:
      return null;
  }
}
