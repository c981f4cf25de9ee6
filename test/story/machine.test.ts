import { describe, expect, it } from "vitest";
import { sampleEvents, type StoryEvent, type StoryEventType } from "../../src/story/events.js";
import { startStory, stateName, statusOf, transition, type MachineEffect } from "../../src/story/transition.js";
import type { StoredSnapshot } from "../../src/story/snapshot.js";

const eventTypes = Object.keys(sampleEvents) as StoryEventType[];
const allEvents: StoryEvent[] = [
  ...Object.values(sampleEvents),
  // Variants the guards care about.
  { type: "BUILD_DONE", by: "wave", filesChanged: 0 },
  { type: "HOLD", by: "alice" },
  // Releases sent with each authority the commands layer can grant: the placer rule, the role rule and their absence.
  { type: "HOLD", by: "tess" },
  { type: "UNHOLD", by: "tess", role: "triage" },
  { type: "UNHOLD", by: "alice", role: "none" },
  { type: "UNHOLD", by: "wren", role: "write" },
  { type: "UNHOLD", by: "nobody" },
  { type: "RETRY", by: "tess", role: "triage" },
  { type: "RETRY", by: "wren", role: "write" },
  { type: "RETRY", by: "nobody" },
  { type: "RECYCLE", by: "wren", feedback: "again", role: "write" },
  { type: "RECYCLE", by: "tess", feedback: "again", role: "triage" },
];

/**
 * The issue's table of who may lift which hold, written out independently of
 * src/story/hold-rules.ts so the walk can catch the machine (or the rules)
 * drifting from it. Terminal events (kill, closed, merged) end a story rather
 * than lift its holds and are checked separately.
 */
const rank = ["none", "read", "triage", "write", "maintain", "admin", "owner"];
const roleAtLeast = (event: StoryEvent, needs: string) => rank.indexOf(("role" in event && event.role) || "none") >= rank.indexOf(needs);
function mayLift(kind: string, placer: string | null, event: StoryEvent): boolean {
  switch (kind) {
    case "person":
      return (event.type === "UNHOLD" || event.type === "RECYCLE") && (event.by === placer || roleAtLeast(event, "maintain"));
    case "gate":
      return (
        ((event.type === "RETRY" || event.type === "RECYCLE") && roleAtLeast(event, "write")) ||
        (event.type === "UNHOLD" && roleAtLeast(event, "maintain"))
      );
    case "budget":
      return event.type === "BUDGET_RAISED";
    case "emergency":
      return event.type === "EMERGENCY_RESUME";
    case "installation":
      return event.type === "INSTALLATION_UNSUSPENDED";
    default:
      return false;
  }
}
/** Each hold as `kind:placer`, so two people's holds are two holds. */
function holdKeys(s: StoredSnapshot): string[] {
  const h = s.context.holds;
  return [
    ...(h.people ?? []).map((p) => `person:${p.by}`),
    ...(h.gate ? ["gate:"] : []),
    ...(h.budget ? ["budget:"] : []),
    ...(h.emergency ? ["emergency:"] : []),
    ...(h.installation ? ["installation:"] : []),
  ].sort();
}

/**
 * The abstract state the invariants depend on: where the story is and which
 * flags and holds it carries. Free-text fields (reasons, feedback) and the
 * decision log are left out, or the graph would never close.
 */
function key(s: StoredSnapshot): string {
  const c = s.context;
  return JSON.stringify([
    s.value,
    c.step,
    c.recycles,
    c.verified,
    c.safetyPassed,
    c.planApprovedBy !== null,
    c.approvedBy !== null,
    holdKeys(s),
    c.killed !== null,
    c.pullRequest !== null,
  ]);
}

interface Edge {
  from: StoredSnapshot;
  event: StoryEvent;
  to: StoredSnapshot;
  effects: MachineEffect[];
  changed: boolean;
}

/** Breadth-first walk over every reachable state (decisions aside) up to `depth` events. */
function walk(
  input: { maxRecycles: number; requirePlanApproval: boolean },
  depth: number,
): { states: StoredSnapshot[]; edges: Edge[]; exhausted: boolean } {
  const start = startStory({ startedBy: "alice", ...input }).snapshot;
  const seen = new Map<string, StoredSnapshot>([[key(start), start]]);
  const edges: Edge[] = [];
  let frontier = [start];
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    const next: StoredSnapshot[] = [];
    for (const from of frontier) {
      for (const event of allEvents) {
        const { snapshot: to, effects, changed } = transition(from, event);
        edges.push({ from, event, to, effects, changed });
        const k = key(to);
        if (!seen.has(k)) {
          seen.set(k, to);
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return { states: [...seen.values()], edges, exhausted: frontier.length === 0 };
}

const configs = [
  { maxRecycles: 0, requirePlanApproval: false },
  { maxRecycles: 2, requirePlanApproval: true },
];

describe("story statechart: every reachable state × every event", () => {
  for (const config of configs) {
    const { states, edges, exhausted } = walk(config, 60);
    it(`explores the whole graph (max_recycles=${config.maxRecycles}, plan approval=${config.requirePlanApproval})`, () => {
      // The walk must have run to exhaustion, not stopped at the depth bound.
      expect(exhausted).toBe(true);
      expect(states.length).toBeGreaterThan(30);
      const names = new Set(states.map(stateName));
      for (const n of ["intake", "plan", "preflight", "build", "verify", "safety", "review", "merge", "held", "killed", "done"]) {
        expect(names, `state ${n} reachable`).toContain(n);
      }
      // Every event type was tried in every state.
      expect(edges.length).toBeGreaterThanOrEqual(states.length * eventTypes.length);
    });

    it("never gets stuck in the transient resuming state", () => {
      for (const s of states) expect(stateName(s)).not.toBe("resuming");
    });

    it("reaches merge only with verify passed, safety passed and a human approval", () => {
      for (const e of edges) {
        if (stateName(e.to) === "merge") {
          expect(e.to.context.verified).toBe(true);
          expect(e.to.context.safetyPassed).toBe(true);
          expect(e.to.context.approvedBy).not.toBeNull();
          expect(e.to.context.approvedBy).not.toBe("wave");
        }
      }
    });

    it("treats kill as terminal", () => {
      for (const e of edges) {
        if (stateName(e.from) === "killed") {
          expect(stateName(e.to)).toBe("killed");
          expect(e.changed).toBe(false);
        }
      }
    });

    it("finishes only through a merged pull request, and done is terminal", () => {
      for (const e of edges) {
        if (stateName(e.to) === "done" && stateName(e.from) !== "done") expect(e.event.type).toBe("PR_MERGED");
        if (stateName(e.from) === "done") expect(stateName(e.to)).toBe("done");
      }
    });

    it("never recycles more than max_recycles times on its own", () => {
      for (const s of states) expect(s.context.recycles).toBeLessThanOrEqual(config.maxRecycles);
      for (const e of edges) {
        if (e.event.type === "VERIFY_FAILED" && stateName(e.from) === "verify" && e.from.context.recycles >= config.maxRecycles) {
          expect(stateName(e.to)).toBe("held");
        }
      }
    });

    it("always holds when the budget is exhausted or the organisation stops", () => {
      for (const s of states) {
        if (statusOf(s) === "killed" || statusOf(s) === "done") continue;
        for (const type of ["BUDGET_EXHAUSTED", "EMERGENCY_STOP"] as const) {
          const to = transition(s, sampleEvents[type]).snapshot;
          expect(stateName(to), `${type} from ${JSON.stringify(s.value)}`).toBe("held");
        }
      }
    });

    it("stays held while the budget is exhausted or the emergency stop is on, whatever else happens", () => {
      for (const e of edges) {
        const { budget, emergency } = e.from.context.holds;
        if (stateName(e.from) !== "held" || (!budget && !emergency)) continue;
        const leaves = ["KILL", "ISSUE_CLOSED", "PR_CLOSED", "PR_MERGED"].includes(e.event.type);
        const releases = (e.event.type === "BUDGET_RAISED" && !emergency) || (e.event.type === "EMERGENCY_RESUME" && !budget);
        if (!leaves && !releases) expect(stateName(e.to), `${e.event.type} from held ${JSON.stringify(e.from.context.holds)}`).toBe("held");
      }
    });

    it("never lets an event lift a hold its sender may not lift", () => {
      let lifted = 0;
      const liftedKinds = new Set<string>();
      for (const e of edges) {
        if (statusOf(e.to) === "killed" || statusOf(e.to) === "done") continue;
        const after = new Set(holdKeys(e.to));
        for (const hold of holdKeys(e.from)) {
          if (after.has(hold)) continue;
          const [kind = "", placer = ""] = hold.split(":");
          expect(
            mayLift(kind, placer || null, e.event),
            `${e.event.type} by ${e.event.by} (${"role" in e.event ? e.event.role : "no role"}) lifted ${hold} from ${JSON.stringify(e.from.value)}`,
          ).toBe(true);
          lifted++;
          liftedKinds.add(kind);
        }
      }
      // Not vacuous: every kind of hold was lifted somewhere in the walk.
      expect(lifted).toBeGreaterThan(0);
      expect([...liftedKinds].sort()).toEqual(["budget", "emergency", "gate", "installation", "person"]);
    });

    it("resumes a held story only once no hold is left, and only through an event that may lift the last one", () => {
      for (const e of edges) {
        if (stateName(e.from) !== "held" || statusOf(e.to) !== "active") continue;
        expect(holdKeys(e.to), `${e.event.type} left holds`).toEqual([]);
        expect(holdKeys(e.from).length).toBeGreaterThan(0);
      }
    });

    it("answers a release that lifts nothing as not applied", () => {
      for (const e of edges) {
        if (stateName(e.from) !== "held" || !["UNHOLD", "RETRY"].includes(e.event.type)) continue;
        if (JSON.stringify(holdKeys(e.from)) === JSON.stringify(holdKeys(e.to)))
          expect(e.changed, `${e.event.type} by ${e.event.by}`).toBe(false);
      }
    });

    it("treats retry outside a hold as not applied: nothing failed", () => {
      for (const e of edges) if (e.event.type === "RETRY" && stateName(e.from) !== "held") expect(e.changed).toBe(false);
    });

    it("queues gate work only when entering a working step", () => {
      for (const e of edges) {
        for (const fx of e.effects) {
          if (fx.kind === "queue-gate") expect(["plan", "preflight", "build", "verify", "safety", "review"]).toContain(stateName(e.to));
        }
      }
    });

    it("stops the sandbox whenever a story stops working", () => {
      for (const e of edges) {
        const to = stateName(e.to);
        const from = stateName(e.from);
        if (from !== to && ["held", "killed", "done"].includes(to) && !(from === "held" || from === "killed" || from === "done")) {
          expect(e.effects).toContainEqual({ kind: "stop-sandbox" });
        }
      }
    });
  }
});

describe("story statechart: the happy path and its decisions", () => {
  function run(events: StoryEvent[], input = { startedBy: "alice", maxRecycles: 3, requirePlanApproval: false }) {
    let s = startStory(input).snapshot;
    const effects = [];
    for (const e of events) {
      const r = transition(s, e);
      s = r.snapshot;
      effects.push(...r.effects);
    }
    return { s, effects };
  }

  it("goes from intake to done through every gate", () => {
    const { s, effects } = run([
      sampleEvents.INTAKE_PASSED,
      sampleEvents.PLAN_READY,
      sampleEvents.PREFLIGHT_PASSED,
      sampleEvents.BUILD_DONE,
      sampleEvents.VERIFY_PASSED,
      sampleEvents.SAFETY_PASSED,
      sampleEvents.REVIEW_DONE,
      { type: "APPROVE", by: "bob" },
      sampleEvents.PR_MERGED,
    ]);
    expect(stateName(s)).toBe("done");
    expect(s.context.decisions.map((d) => `${d.gate}:${d.decision}`)).toEqual([
      "intake:go",
      "plan:go",
      "preflight:go",
      "build:go",
      "verify:go",
      "safety:go",
      "review:go",
      "review:approve",
      "merge:done",
    ]);
    expect(effects.filter((e) => e.kind === "queue-gate").map((e) => (e.kind === "queue-gate" ? e.gate : ""))).toEqual([
      "plan",
      "preflight",
      "build",
      "verify",
      "safety",
      "review",
    ]);
  });

  it("ignores an approval before the review is done", () => {
    const { s } = run([sampleEvents.INTAKE_PASSED, sampleEvents.PLAN_READY, { type: "APPROVE", by: "bob" }]);
    expect(stateName(s)).toBe("preflight");
    expect(s.context.approvedBy).toBeNull();
  });

  it("recycles failing tests back to build with the output, then holds after max_recycles", () => {
    const failed: StoryEvent = { type: "VERIFY_FAILED", by: "wave", output: "FAIL test/a.test.ts" };
    const { s } = run(
      [
        sampleEvents.INTAKE_PASSED,
        sampleEvents.PLAN_READY,
        sampleEvents.PREFLIGHT_PASSED,
        sampleEvents.BUILD_DONE,
        failed,
        sampleEvents.BUILD_DONE,
        failed,
      ],
      { startedBy: "alice", maxRecycles: 1, requirePlanApproval: false },
    );
    expect(stateName(s)).toBe("held");
    expect(s.context.holds.gate?.reason).toMatch(/after 1 recycle/);
    expect(s.context.lastFailure).toBe("FAIL test/a.test.ts");
    const resumed = transition(s, { type: "UNHOLD", by: "bob", role: "maintain" });
    expect(stateName(resumed.snapshot)).toBe("build");
    expect(resumed.effects).toContainEqual({ kind: "queue-gate", gate: "build" });
  });

  it("waits for plan approval when the config asks for it", () => {
    const { s } = run([sampleEvents.INTAKE_PASSED, sampleEvents.PLAN_READY], {
      startedBy: "alice",
      maxRecycles: 3,
      requirePlanApproval: true,
    });
    expect(s.value).toEqual({ plan: "approval" });
    expect(stateName(transition(s, { type: "APPROVE", by: "bob" }).snapshot)).toBe("preflight");
  });

  it("resumes a held story where it was, but only once every hold is lifted", () => {
    const { s } = run([
      sampleEvents.INTAKE_PASSED,
      sampleEvents.PLAN_READY,
      sampleEvents.PREFLIGHT_PASSED,
      { type: "HOLD", by: "bob", reason: "wait" },
      sampleEvents.EMERGENCY_STOP,
    ]);
    expect(stateName(s)).toBe("held");
    const afterUnhold = transition(s, { type: "UNHOLD", by: "bob" }).snapshot;
    expect(stateName(afterUnhold)).toBe("held");
    expect(afterUnhold.context.holds).toEqual({ emergency: { by: "owner" } });
    const resumed = transition(afterUnhold, sampleEvents.EMERGENCY_RESUME);
    expect(stateName(resumed.snapshot)).toBe("build");
    expect(resumed.effects).toContainEqual({ kind: "queue-gate", gate: "build" });
  });

  it("kills an active story when its issue closes", () => {
    const { s } = run([sampleEvents.INTAKE_PASSED, sampleEvents.ISSUE_CLOSED]);
    expect(stateName(s)).toBe("killed");
    expect(s.context.killed).toEqual({ by: "maintainer", reason: "issue closed" });
  });

  it("corrects a kill for the closed issue to done when the PR turns out merged, and no other kill", () => {
    const atMerge = [
      sampleEvents.INTAKE_PASSED,
      sampleEvents.PLAN_READY,
      sampleEvents.PREFLIGHT_PASSED,
      sampleEvents.BUILD_DONE,
      sampleEvents.VERIFY_PASSED,
      sampleEvents.SAFETY_PASSED,
      sampleEvents.REVIEW_DONE,
    ];
    for (const prefix of [atMerge.slice(0, 1), atMerge]) {
      const byIssue = run([...prefix, sampleEvents.ISSUE_CLOSED]).s;
      const corrected = transition(byIssue, sampleEvents.PR_MERGED);
      expect(corrected.changed).toBe(true);
      expect(stateName(corrected.snapshot)).toBe("done");
      expect(corrected.snapshot.context.killed).toBeNull();
      expect(corrected.snapshot.context.decisions.at(-1)).toMatchObject({ decision: "done", by: "maintainer" });
      for (const kill of [sampleEvents.KILL, sampleEvents.PR_CLOSED]) {
        const other = transition(run([...prefix, kill]).s, sampleEvents.PR_MERGED);
        expect(other.changed).toBe(false);
        expect(stateName(other.snapshot)).toBe("killed");
      }
      expect(transition(corrected.snapshot, sampleEvents.ISSUE_CLOSED).changed).toBe(false);
    }
  });

  it("reports an event that does not apply as unchanged", () => {
    const { s } = run([sampleEvents.INTAKE_PASSED]);
    expect(transition(s, sampleEvents.PR_MERGED).changed).toBe(false);
    expect(transition(s, sampleEvents.PLAN_READY).changed).toBe(true);
  });
});
