import { initialTransition, transition as xstateTransition } from "xstate";
import type { StoryEvent } from "./events.js";
import {
  gateOfStep,
  isWorkStep,
  ISSUE_CLOSED_REASON,
  MACHINE_VERSION,
  storyMachine,
  type Gate,
  type Step,
  type StoryContext,
  type StoryInput,
} from "./machine.js";
import type { StoredSnapshot } from "./snapshot.js";

/** What a transition asks the outside world to do, as data. */
export type MachineEffect = { kind: "queue-gate"; gate: Gate } | { kind: "stop-sandbox" };

export type StoryStatus = "active" | "held" | "killed" | "done";

export interface TransitionResult {
  snapshot: StoredSnapshot;
  effects: MachineEffect[];
  /** False when the event did not apply in this state (nothing to store). */
  changed: boolean;
}

function toEffects(actions: { type: string; params?: unknown }[]): MachineEffect[] {
  const effects: MachineEffect[] = [];
  for (const action of actions) {
    if (action.type === "queueGateJob") effects.push({ kind: "queue-gate", gate: (action.params as { gate: Gate }).gate });
    else if (action.type === "stopSandbox") effects.push({ kind: "stop-sandbox" });
  }
  return effects;
}

/** The statechart's first state for a new story. Pure. */
export function startStory(input: StoryInput): TransitionResult {
  const [snapshot, actions] = initialTransition(storyMachine, input);
  return {
    snapshot: { machineVersion: MACHINE_VERSION, value: snapshot.value, context: snapshot.context },
    effects: toEffects(actions),
    changed: true,
  };
}

/** `(snapshot, event) → (snapshot, effects)`. Pure: no I/O, no clock. */
export function transition(stored: StoredSnapshot, event: StoryEvent): TransitionResult {
  // Killed and done are terminal: no event, not even a story-wide one, moves them, but for one correction.
  if (isTerminal(stored)) return correctMergedAfterIssueClosed(stored, event) ?? { snapshot: stored, effects: [], changed: false };
  const current = storyMachine.resolveState({ value: stored.value, context: stored.context });
  const [next, actions] = xstateTransition(storyMachine, current, event);
  const changed = JSON.stringify(next.value) !== JSON.stringify(current.value) || next.context !== current.context;
  return {
    snapshot: { machineVersion: MACHINE_VERSION, value: next.value, context: next.context },
    effects: toEffects(actions),
    changed,
  };
}

/**
 * GitHub sends `issues.closed` and `pull_request.closed` (merged) for a PR that says
 * `Closes #N` in no promised order. A story killed because its issue closed whose PR then
 * turns out merged was finished, not abandoned: it ends `done`, and the decision says so.
 */
function correctMergedAfterIssueClosed(stored: StoredSnapshot, event: StoryEvent): TransitionResult | undefined {
  if (event.type !== "PR_MERGED" || stateName(stored) !== "killed" || stored.context.killed?.reason !== ISSUE_CLOSED_REASON)
    return undefined;
  const context = {
    ...stored.context,
    step: "merge" as const,
    killed: null,
    decisions: [
      ...stored.context.decisions,
      {
        gate: "merge" as const,
        decision: "done" as const,
        by: event.by,
        why: "pull request merged (corrects the kill for the closed issue)",
      },
    ],
  };
  return { snapshot: { machineVersion: MACHINE_VERSION, value: "done", context }, effects: [], changed: true };
}

/** The top-level state name of a snapshot ("plan", "held", "done"…). */
export function stateName(snapshot: Pick<StoredSnapshot, "value">): string {
  return typeof snapshot.value === "string" ? snapshot.value : (Object.keys(snapshot.value)[0] ?? "unknown");
}

export function statusOf(snapshot: Pick<StoredSnapshot, "value">): StoryStatus {
  const name = stateName(snapshot);
  if (name === "held" || name === "killed" || name === "done") return name;
  return "active";
}

/** The gate a story is at, or held at. */
export function gateOf(context: Pick<StoryContext, "step">): Gate {
  return gateOfStep[context.step];
}

/** The story is active and working at `gate` (not waiting for a person there): a gate job for it still applies. */
export function isWorkingAt(snapshot: Pick<StoredSnapshot, "value" | "context">, gate: string): boolean {
  return statusOf(snapshot) === "active" && isWorkStep(snapshot.context.step) && gateOf(snapshot.context) === gate;
}

export function isTerminal(snapshot: Pick<StoredSnapshot, "value">): boolean {
  const s = statusOf(snapshot);
  return s === "killed" || s === "done";
}

export type { Step };
