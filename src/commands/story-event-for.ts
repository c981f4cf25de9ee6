import type { PermissionLevel } from "../config/sections/commands.js";
import type { StoryEvent } from "../story/events.js";
import type { Command } from "./command-catalog.js";

/**
 * The statechart event a story command stands for, sent as `by` with the
 * authority `role` the commands layer granted (it decides which holds a
 * release may lift); null for
 * commands that do not move a story (`status`, `help`) or act on the whole
 * organisation (`stop-all`, `resume-all`).
 */
export function storyEventFor(command: Command, by: string, role: PermissionLevel = "none"): StoryEvent | null {
  switch (command.name) {
    case "hold":
      return command.reason ? { type: "HOLD", by, reason: command.reason } : { type: "HOLD", by };
    case "unhold":
      return { type: "UNHOLD", by, role };
    case "approve":
      return { type: "APPROVE", by };
    case "kill":
      return { type: "KILL", by, reason: command.reason };
    case "recycle":
      return { type: "RECYCLE", by, feedback: command.feedback, role };
    case "retry":
      return { type: "RETRY", by, role };
    case "budget":
      return { type: "BUDGET_RAISED", by, usd: command.amountCents / 100 };
    case "status":
    case "help":
    case "stop-all":
    case "resume-all":
      return null;
  }
}
