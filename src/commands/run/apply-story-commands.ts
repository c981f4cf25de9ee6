import { pgBudgetLedger } from "../../agents/ledger.js";
import { applyEvent } from "../../engine/apply-event.js";
import type { PermissionLevel } from "../../config/sections/commands.js";
import type { EngineDeps } from "../../engine/deps.js";
import { loadStory, type StoryRow } from "../../store/stories.js";
import { readSnapshot } from "../../story/snapshot.js";
import { isTerminal, stateName } from "../../story/transition.js";
import type { Command, CommandName } from "../command-catalog.js";
import { earlierAttempt } from "../command-audit.js";
import { renderNotApplied, renderStillHeld } from "../render/not-applied.js";
import { storyEventFor } from "../story-event-for.js";

/** Commands meant to set a held story going again; the others do their job whatever the story does next. */
const releases: ReadonlySet<CommandName> = new Set<CommandName>(["unhold", "retry", "recycle"]);

export interface CommandResult {
  command: CommandName;
  /** The statechart took the event. */
  applied: boolean;
  /** The command did what it is for: false when not applied, or when a release left the story held by something else. */
  done: boolean;
  /** What happened, in a few words, for the audit row. */
  note: string;
  /** Why nothing changed, for the reply; only when `applied` is false. */
  explanation?: string;
}

/** Who sent the commands, and the authority each command was granted (see granted-authority.ts). */
export interface CommandSender {
  by: string;
  authority: (command: CommandName) => PermissionLevel;
}

/**
 * Sends a permitted comment's story commands to the statechart, in the order
 * written, one transaction each. A retried delivery skips what it already sent.
 */
export async function applyStoryCommands(
  deps: EngineDeps,
  story: StoryRow,
  commands: readonly Command[],
  sender: CommandSender,
  deliveryId: string,
): Promise<CommandResult[]> {
  const { by } = sender;
  const results: CommandResult[] = [];
  for (const command of commands) {
    const event = storyEventFor(command, by, sender.authority(command.name));
    if (!event) continue;
    const earlier = await earlierAttempt(deps.pool, story.id, event.type, deliveryId);
    let applied: boolean;
    if (earlier) {
      applied = earlier.applied;
    } else {
      if (command.name === "budget") {
        // The cap is raised only for a story that can still spend it; the event then records it and lifts a budget hold.
        const current = await loadStory(deps.pool, story.id);
        if (current && !isTerminal(readSnapshot(current.snapshot, current.machineVersion))) {
          await pgBudgetLedger(deps.pool).raiseStoryCap(story.id, command.amountCents / 100, by);
        }
      }
      applied = (await applyEvent(deps, story.id, event, { deliveryId, command: command.name })).applied;
    }
    const now = (await loadStory(deps.pool, story.id)) ?? story;
    const snapshot = readSnapshot(now.snapshot, now.machineVersion);
    if (!applied) {
      results.push({
        command: command.name,
        applied,
        done: false,
        note: `${command.name}: did not apply`,
        explanation: renderNotApplied(command.name, snapshot),
      });
    } else if (releases.has(command.name) && stateName(snapshot) === "held") {
      results.push({
        command: command.name,
        applied,
        done: false,
        note: `${command.name}: applied; still held`,
        explanation: renderStillHeld(command.name, snapshot),
      });
    } else {
      results.push({ command: command.name, applied, done: true, note: `${command.name}: ${event.type} applied` });
    }
  }
  return results;
}
