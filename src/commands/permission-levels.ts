import { permissionLevels, type PermissionLevel } from "../config/sections/commands.js";
import type { RepositoryRole } from "../config/sections/story.js";

/** Where a level sits: none < read < triage < write < maintain < admin < owner. */
export function levelRank(level: PermissionLevel): number {
  return permissionLevels.indexOf(level);
}

/** Whether someone at `has` meets `needs`. */
export function meets(has: PermissionLevel, needs: PermissionLevel): boolean {
  return levelRank(has) >= levelRank(needs);
}

/** The higher of two levels. */
export function higher(a: PermissionLevel, b: PermissionLevel): PermissionLevel {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/** A sender's standing: their repository role, raised to `owner` when they own the organisation. */
export function standing(role: RepositoryRole, isOwner: boolean): PermissionLevel {
  return isOwner ? "owner" : role;
}
