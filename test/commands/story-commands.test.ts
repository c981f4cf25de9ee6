import { describe, expect, it } from "vitest";
import type { Command } from "../../src/commands/command-catalog.js";
import { renderNotApplied, renderStillHeld, whereItStands } from "../../src/commands/render/not-applied.js";
import { renderNoStory } from "../../src/commands/render/no-story.js";
import { storyEventFor } from "../../src/commands/story-event-for.js";
import type { StoryEvent } from "../../src/story/events.js";
import type { StoredSnapshot } from "../../src/story/snapshot.js";
import { startStory, transition } from "../../src/story/transition.js";

function walk(...events: StoryEvent[]): StoredSnapshot {
  let snapshot = startStory({ startedBy: "starter", maxRecycles: 2, requirePlanApproval: true }).snapshot;
  for (const event of [{ type: "INTAKE_PASSED", by: "starter" } as StoryEvent, ...events]) {
    const next = transition(snapshot, event);
    if (!next.changed) throw new Error(`${event.type} did not apply`);
    snapshot = next.snapshot;
  }
  return snapshot;
}

const toBuild: StoryEvent[] = [
  { type: "PLAN_READY", by: "wave", summary: "1 step" },
  { type: "APPROVE", by: "reviewer" },
  { type: "PREFLIGHT_PASSED", by: "wave", summary: "fits" },
];

describe("storyEventFor", () => {
  it.each<[Command, StoryEvent | null]>([
    [
      { name: "hold", reason: null },
      { type: "HOLD", by: "ann" },
    ],
    [
      { name: "hold", reason: "release first" },
      { type: "HOLD", by: "ann", reason: "release first" },
    ],
    [{ name: "unhold" }, { type: "UNHOLD", by: "ann", role: "none" }],
    [{ name: "approve" }, { type: "APPROVE", by: "ann" }],
    [
      { name: "kill", reason: "not wanted" },
      { type: "KILL", by: "ann", reason: "not wanted" },
    ],
    [
      { name: "recycle", feedback: "use the helper" },
      { type: "RECYCLE", by: "ann", feedback: "use the helper", role: "none" },
    ],
    [{ name: "retry" }, { type: "RETRY", by: "ann", role: "none" }],
    [
      { name: "budget", amountCents: 250 },
      { type: "BUDGET_RAISED", by: "ann", usd: 2.5 },
    ],
    [{ name: "status" }, null],
    [{ name: "help" }, null],
    [{ name: "stop-all", reason: null }, null],
    [{ name: "resume-all" }, null],
  ])("%o → %o", (command, event) => {
    expect(storyEventFor(command, "ann")).toEqual(event);
  });

  it("carries the granted authority on the releases, so the statechart decides what they may lift", () => {
    expect(storyEventFor({ name: "unhold" }, "ann", "maintain")).toEqual({ type: "UNHOLD", by: "ann", role: "maintain" });
    expect(storyEventFor({ name: "retry" }, "ann", "write")).toEqual({ type: "RETRY", by: "ann", role: "write" });
  });

  it("gives events the statechart takes where the command makes sense", () => {
    const plan = walk();
    expect(transition(plan, storyEventFor({ name: "hold", reason: null }, "ann")!).changed).toBe(true);
    const approval = walk({ type: "PLAN_READY", by: "wave", summary: "1 step" });
    expect(transition(approval, storyEventFor({ name: "approve" }, "ann")!).snapshot.context.planApprovedBy).toBe("ann");
    const build = walk(...toBuild);
    expect(transition(build, storyEventFor({ name: "recycle", feedback: "smaller" }, "ann")!).snapshot.context.feedback).toBe("smaller");
  });
});

describe("why a permitted command changed nothing", () => {
  it("tells an approval where the story stands when nothing waits for one", () => {
    expect(renderNotApplied("approve", walk())).toBe(
      "`/wave approve` did nothing: nothing waits for approval. The story is working at G1 Plan; WAVE asks for an approval when the plan (if your config requires it) or the pull request is ready.",
    );
    expect(renderNotApplied("approve", walk({ type: "HOLD", by: "ann", reason: "wait" }))).toBe(
      "`/wave approve` did nothing: the story is held at G1 Plan (held by @\u200Bann: wait). Lift the hold first (`/wave unhold`), then approve when WAVE asks for it.",
    );
  });

  it("says a finished story cannot be moved, for every command", () => {
    const killed = walk({ type: "KILL", by: "ann", reason: "not wanted" });
    for (const command of ["approve", "unhold", "retry", "recycle", "hold"] as const) {
      expect(renderNotApplied(command, killed)).toMatch(/did nothing: the story is killed \(not wanted\)\. Label the issue again/);
    }
  });

  it("explains unhold on a story that is not held, and recycle before there is a change", () => {
    expect(renderNotApplied("unhold", walk())).toBe("`/wave unhold` did nothing: the story is not held. The story is working at G1 Plan.");
    expect(renderNotApplied("recycle", walk())).toContain("there is no change to send back to build yet");
  });

  it("describes each standing in one clause", () => {
    expect(whereItStands(walk({ type: "PLAN_READY", by: "wave", summary: "1 step" }))).toBe(
      "waiting at G1 Plan for a person to approve the plan",
    );
    expect(whereItStands(walk(...toBuild))).toBe("working at G3 Build");
    expect(whereItStands(walk({ type: "EMERGENCY_STOP", by: "boss" }))).toBe(
      "held at G1 Plan (organisation emergency stop by @\u200Bboss)",
    );
  });

  it("names what still holds a story after a release took", () => {
    const both = walk({ type: "HOLD", by: "ann" }, { type: "EMERGENCY_STOP", by: "boss" }, { type: "UNHOLD", by: "ann" });
    expect(renderStillHeld("unhold", both)).toBe(
      "`/wave unhold` lifted what it could, but the story is still held. Holds in place: @boss (organisation emergency stop), lifted by an organisation owner with `/wave resume-all`.",
    );
    const budget = walk(
      { type: "BUDGET_EXHAUSTED", by: "wave", reason: "spent" },
      { type: "HOLD", by: "ann" },
      { type: "UNHOLD", by: "ann" },
    );
    expect(renderStillHeld("unhold", budget)).toContain("Holds in place: the budget (spent), lifted by `/wave budget +<usd>`");
  });

  it("explains an unhold or retry that lifts nothing, naming every hold and who may lift it", () => {
    const gateHeld = walk(
      { type: "PLAN_FAILED", by: "wave", reason: "the plan did not parse" },
      { type: "HOLD", by: "tess", reason: "look" },
    );
    expect(renderNotApplied("unhold", gateHeld)).toBe(
      "`/wave unhold` did nothing: no hold in place is one you may lift. Holds in place: the plan gate (the plan did not parse), lifted by `/wave retry` (write and above), or `/wave unhold` by maintain and above; @tess (look), lifted by its placer with `/wave unhold`, or maintain and above.",
    );
    expect(renderNotApplied("retry", walk())).toBe(
      "`/wave retry` did nothing: nothing failed, so there is nothing to retry. The story is working at G1 Plan; `/wave retry` applies once a gate fails and holds the story.",
    );
  });

  it("says there is no story, on issues and on pull requests", () => {
    expect(renderNoStory("ann", false)).toContain("there is no WAVE story on this issue");
    expect(renderNoStory("ann", true)).toContain("there is no WAVE story for this pull request");
  });
});
