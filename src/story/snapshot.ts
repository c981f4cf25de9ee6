import type { StateValue } from "xstate";
import { SnapshotVersionError } from "../errors.js";
import { gateOfStep, MACHINE_VERSION, type Holds, type PersonHold, type StoryContext } from "./machine.js";

/**
 * What we store of a story's statechart: its state value and context, with the
 * version of the machine that wrote them. We do not store xstate's internal
 * snapshot format, so an xstate upgrade cannot silently change what we read.
 */
export interface StoredSnapshot {
  machineVersion: number;
  value: StateValue;
  context: StoryContext;
}

/** Upgrades from older machine versions, keyed by the version they upgrade from. */
const upgrades: Record<number, (s: StoredSnapshot) => StoredSnapshot> = {
  // 1 → 2: one person's hold became a list of people's holds, and a gate's hold names its gate.
  1: (s) => {
    const old = s.context.holds as Omit<Holds, "people" | "gate"> & { user?: PersonHold; gate?: { reason: string } };
    const { user, gate, ...rest } = old;
    const holds: Holds = { ...rest };
    if (user) holds.people = [user];
    if (gate) holds.gate = { gate: gateOfStep[s.context.step], reason: gate.reason };
    return { ...s, machineVersion: 2, context: { ...s.context, holds } };
  },
};

/** Reads a stored snapshot, upgrading it from an older machine version, or refuses it with a clear message. */
export function readSnapshot(raw: unknown, machineVersion: number): StoredSnapshot {
  if (!raw || typeof raw !== "object" || !("value" in raw) || !("context" in raw)) {
    throw new SnapshotVersionError("The stored story snapshot is not in a form this version of WAVE can read.", {
      hint: "Kill the story with `/wave kill <reason>` and label the issue again to start afresh.",
    });
  }
  let snapshot: StoredSnapshot = { machineVersion, value: (raw as StoredSnapshot).value, context: (raw as StoredSnapshot).context };
  if (machineVersion > MACHINE_VERSION) {
    throw new SnapshotVersionError(
      `This story was written by a newer WAVE (statechart version ${machineVersion}; this replica knows ${MACHINE_VERSION}).`,
      { hint: "Finish rolling out the new version of WAVE to every replica; this replica leaves the story untouched." },
    );
  }
  while (snapshot.machineVersion < MACHINE_VERSION) {
    const upgrade = upgrades[snapshot.machineVersion];
    if (!upgrade) {
      throw new SnapshotVersionError(
        `This story was written by statechart version ${snapshot.machineVersion}, which this version of WAVE (${MACHINE_VERSION}) cannot upgrade.`,
        { hint: "Kill the story with `/wave kill <reason>` and label the issue again to start afresh." },
      );
    }
    snapshot = upgrade(snapshot);
  }
  return snapshot;
}

/** Gives decisions taken by the last transition the time they were stored at. Pure: the time is passed in. */
export function stampDecisions(snapshot: StoredSnapshot, at: string): StoredSnapshot {
  if (snapshot.context.decisions.every((d) => d.at)) return snapshot;
  return { ...snapshot, context: { ...snapshot.context, decisions: snapshot.context.decisions.map((d) => (d.at ? d : { ...d, at })) } };
}
