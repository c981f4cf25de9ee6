import { commandLabel, organisationCommands, readOnlyCommands, type Command, type CommandName } from "./command-catalog.js";

/** Two commands of one comment that cannot both be meant. */
export interface Conflict {
  first: CommandName;
  second: CommandName;
  reason: string;
}

const storyChanging = ["hold", "unhold", "approve", "kill", "recycle", "retry", "budget"] as const;

/**
 * Pairs refused when they appear in one comment, with the reason given in the
 * reply. Anything not listed may be combined, for example
 * `budget` + `unhold` (add money, then go on) or `unhold` + `recycle`.
 */
const table: readonly [CommandName, CommandName, string][] = [
  ["hold", "unhold", "one pauses the story and the other lifts the pause"],
  ["stop-all", "resume-all", "one stops every story of the organisation and the other lifts that stop"],
  ["approve", "kill", "one approves the story and the other ends it"],
  ["approve", "recycle", "one approves the work and the other sends it back to build"],
  ["approve", "hold", "one lets the story go on and the other pauses it"],
  ["hold", "recycle", "one pauses the story and the other restarts its build"],
  ["hold", "retry", "one pauses the story and the other runs a step again"],
  ["recycle", "retry", "both start work again, recycle with your feedback and retry without; choose one"],
  ...(["hold", "unhold", "recycle", "retry", "budget"] as const).map((other): [CommandName, CommandName, string] => [
    "kill",
    other,
    `kill ends the story, so ${commandLabel(other)} would have nothing to act on`,
  ]),
  ...[...organisationCommands].flatMap((org) =>
    storyChanging.map((other): [CommandName, CommandName, string] => [
      org,
      other,
      `${commandLabel(org)} acts on every story of the organisation; send commands for this story in a separate comment`,
    ]),
  ),
];

const pairKey = (a: CommandName, b: CommandName) => (a < b ? `${a} ${b}` : `${b} ${a}`);
const reasons = new Map<string, string>(table.map(([a, b, reason]) => [pairKey(a, b), reason]));

/** The reason two commands cannot share a comment, or null when they can. */
export function conflictBetween(a: CommandName, b: CommandName): string | null {
  return reasons.get(pairKey(a, b)) ?? null;
}

/**
 * Every conflict among a comment's commands, including one command written
 * twice with different arguments (which of the two was meant?) and
 * `budget` written twice at all (add once, or the sum?).
 */
export function findConflicts(commands: readonly Command[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (let i = 0; i < commands.length; i++) {
    for (let j = i + 1; j < commands.length; j++) {
      const a = commands[i];
      const b = commands[j];
      if (!a || !b) continue;
      if (a.name === b.name) {
        if (readOnlyCommands.has(a.name)) continue;
        if (a.name === "budget") {
          conflicts.push({ first: a.name, second: b.name, reason: "it is written twice; write one line with the total to add" });
        } else if (JSON.stringify(a) !== JSON.stringify(b)) {
          conflicts.push({ first: a.name, second: b.name, reason: "it is written twice with different words; keep the one you mean" });
        }
        continue;
      }
      const reason = conflictBetween(a.name, b.name);
      if (reason) conflicts.push({ first: a.name, second: b.name, reason });
    }
  }
  return conflicts;
}

/** Identical repeats collapse to one, keeping the first position. */
export function withoutRepeats(commands: readonly Command[]): Command[] {
  const seen = new Set<string>();
  return commands.filter((command) => {
    const key = JSON.stringify(command);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
