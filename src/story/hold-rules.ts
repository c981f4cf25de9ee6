import { permissionLevels, type PermissionLevel } from "../config/sections/commands.js";
import type { StoryEvent } from "./events.js";
import type { Holds, StoryContext } from "./machine.js";

/**
 * Who may lift which hold: the one statement of it. The statechart applies it
 * (an event lifts only the holds its sender may lift), the status comment
 * lists it, and the exhaustive walk checks it against the issue's own table.
 *
 * - a person's hold: its placer's `/wave unhold`, or `/wave unhold` (and
 *   `/wave recycle`) by maintain and above;
 * - a gate's hold: `/wave retry` or `/wave recycle` by write and above, or
 *   `/wave unhold` by maintain and above;
 * - the budget's hold: raising the budget;
 * - the emergency stop: `/wave resume-all`;
 * - the installation's suspension: GitHub's `installation.unsuspend` (an owner unsuspends the app).
 *
 * `role` on an event is the authority the commands layer granted the sender
 * (their standing, or the rule's level when a user or team entry let them in);
 * an event without one has none, so a caller that forgets it lifts nothing
 * that needs a role.
 */
export type HoldKind = "person" | "gate" | "budget" | "emergency" | "installation";

/** One hold still in place, for the status comment. */
export interface HoldInPlace {
  kind: HoldKind | "escalation";
  /** Who or what placed it: a login, a gate, "the budget". */
  placedBy: string;
  reason: string;
  /** Who may lift it, in a few words with the command. */
  liftedBy: string;
}

const rank = (level: PermissionLevel | undefined): number => permissionLevels.indexOf(level ?? "none");
const atLeast = (level: PermissionLevel | undefined, needs: PermissionLevel): boolean => rank(level) >= rank(needs);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

type Releasing = Extract<StoryEvent, { type: "UNHOLD" | "RETRY" | "RECYCLE" }>;

function roleOf(event: StoryEvent): PermissionLevel | undefined {
  return event.type === "UNHOLD" || event.type === "RETRY" || event.type === "RECYCLE" ? (event as Releasing).role : undefined;
}

/** Whether `event` may lift the hold `placer` placed with `/wave hold`. */
export function liftsPersonHold(event: StoryEvent, placer: string): boolean {
  if (event.type !== "UNHOLD" && event.type !== "RECYCLE") return false;
  return same(event.by, placer) || atLeast(roleOf(event), "maintain");
}

/** Whether `event` may lift a failed gate's hold. */
export function liftsGateHold(event: StoryEvent): boolean {
  if (event.type === "RETRY" || event.type === "RECYCLE") return atLeast(roleOf(event), "write");
  if (event.type === "UNHOLD") return atLeast(roleOf(event), "maintain");
  return false;
}

/** The holds left once `event` lifted every hold its sender may lift. */
export function holdsAfter(holds: Holds, event: StoryEvent): Holds {
  const next: Holds = { ...holds };
  if (holds.people) {
    const left = holds.people.filter((hold) => !liftsPersonHold(event, hold.by));
    if (left.length > 0) next.people = left;
    else delete next.people;
  }
  if (holds.gate && liftsGateHold(event)) delete next.gate;
  if (holds.budget && event.type === "BUDGET_RAISED") delete next.budget;
  if (holds.emergency && event.type === "EMERGENCY_RESUME") delete next.emergency;
  if (holds.installation && event.type === "INSTALLATION_UNSUSPENDED") delete next.installation;
  return next;
}

export function holdsEmpty(holds: Holds): boolean {
  return !holds.people?.length && !holds.gate && !holds.budget && !holds.emergency && !holds.installation;
}

/** How many holds are in place (each person's counts once). */
export function holdCount(holds: Holds): number {
  return (
    (holds.people?.length ?? 0) + (holds.gate ? 1 : 0) + (holds.budget ? 1 : 0) + (holds.emergency ? 1 : 0) + (holds.installation ? 1 : 0)
  );
}

/** Adds or replaces `by`'s own hold, keeping everyone else's. */
export function withPersonHold(holds: Holds, by: string, reason: string): Holds {
  const others = (holds.people ?? []).filter((hold) => !same(hold.by, by));
  return { ...holds, people: [...others, { by, reason }] };
}

export const liftedBy: Record<HoldInPlace["kind"], string> = {
  person: "its placer with `/wave unhold`, or maintain and above",
  gate: "`/wave retry` (write and above), or `/wave unhold` by maintain and above",
  budget: "`/wave budget +<usd>` (maintain and above by default)",
  emergency: "an organisation owner with `/wave resume-all`",
  installation: "an organisation owner, by unsuspending the app's installation on GitHub",
  escalation: "`/wave approve` (write and above, not the story's starter)",
};

/** Every hold still in place, most pressing first, with who may lift it. */
export function holdsInPlace(context: Pick<StoryContext, "holds" | "step">): HoldInPlace[] {
  const { holds } = context;
  const list: HoldInPlace[] = [];
  if (holds.emergency)
    list.push({
      kind: "emergency",
      placedBy: `@${holds.emergency.by}`,
      reason: "organisation emergency stop",
      liftedBy: liftedBy.emergency,
    });
  if (holds.installation)
    list.push({
      kind: "installation",
      placedBy: `@${holds.installation.by}`,
      reason: "the app's installation is suspended",
      liftedBy: liftedBy.installation,
    });
  if (holds.budget) list.push({ kind: "budget", placedBy: "the budget", reason: holds.budget.reason, liftedBy: liftedBy.budget });
  if (holds.gate) list.push({ kind: "gate", placedBy: `the ${holds.gate.gate} gate`, reason: holds.gate.reason, liftedBy: liftedBy.gate });
  for (const hold of holds.people ?? [])
    list.push({ kind: "person", placedBy: `@${hold.by}`, reason: hold.reason, liftedBy: liftedBy.person });
  if (context.step === "preflightApproval" || context.step === "safetyApproval") {
    const gate = context.step === "preflightApproval" ? "pre-flight" : "safety";
    list.push({
      kind: "escalation",
      placedBy: `the ${gate} gate`,
      reason: "the safety score needs a person's approval",
      liftedBy: liftedBy.escalation,
    });
  }
  return list;
}
