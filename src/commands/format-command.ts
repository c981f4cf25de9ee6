import type { Command } from "./command-catalog.js";

/** A parsed command written back as text, for audit records and replies. */
export function formatCommand(command: Command): string {
  switch (command.name) {
    case "hold":
    case "stop-all":
      return command.reason ? `/wave ${command.name} ${command.reason}` : `/wave ${command.name}`;
    case "kill":
      return `/wave kill ${command.reason}`;
    case "recycle":
      return `/wave recycle ${command.feedback}`;
    case "budget":
      return `/wave budget +${formatCents(command.amountCents)}`;
    default:
      return `/wave ${command.name}`;
  }
}

/** 250 → "2.50". */
export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
