import { describe, expect, it } from "vitest";
import { gateActions, renderGatesCheck } from "../../src/checks/gates-check.js";
import { GATES } from "../../src/checks/types.js";
import type { GateRow, GatesCheckInput, StoryStanding } from "../../src/checks/types.js";
import { fitCheckRunPayload } from "../../src/github/check-run-limits.js";
import { gatesAtReview } from "./fixtures.js";

const standings: StoryStanding[] = ["working", "held", "awaiting_approval", "killed", "ready", "done"];

/** Gates as the story would show them in each standing. */
function gatesFor(standing: StoryStanding): GateRow[] {
  const upTo = (last: number, state: GateRow["state"], note?: string) =>
    GATES.map((gate, i): GateRow =>
      i < last ? { gate, state: "passed" } : i === last ? { gate, state, ...(note ? { note } : {}) } : { gate, state: "pending" },
    );
  switch (standing) {
    case "working":
      return upTo(3, "running", "iteration 2");
    case "held":
      return upTo(2, "held", "estimate $6.20 over the $5.00 cap");
    case "awaiting_approval":
      return gatesAtReview;
    case "killed":
      return upTo(4, "killed", "3 recycles, tests still fail");
    case "ready":
      return upTo(7, "pending", "waiting for a person to merge");
    case "done":
      return GATES.map((gate): GateRow => ({ gate, state: "passed" }));
  }
}

function input(standing: StoryStanding, gates: GateRow[] = gatesFor(standing)): GatesCheckInput {
  return {
    storyId: "st_6",
    issueNumber: 6,
    standing,
    gates,
    decisions: [
      { at: "2026-11-21T02:10:00Z", gate: "plan", decision: "go", by: "wave" },
      { at: "2026-11-21T02:40:00Z", gate: "verify", decision: "recycle", by: "wave", reason: "2 tests failed" },
    ],
    reason: standing === "held" ? "budget exhausted" : standing === "killed" ? "not needed | any more" : undefined,
    detailsUrl: "https://github.com/octo-org/hello/issues/6#issuecomment-1",
    actions: gateActions(standing),
  };
}

describe("renderGatesCheck", () => {
  it.each([
    ["working", "in_progress", undefined],
    ["held", "completed", "action_required"],
    ["awaiting_approval", "completed", "action_required"],
    ["killed", "completed", "failure"],
    ["ready", "completed", "success"],
    ["done", "completed", "success"],
  ] as const)("%s → %s %s", (standing, status, conclusion) => {
    const payload = renderGatesCheck(input(standing));
    expect(payload.status).toBe(status);
    expect(payload.conclusion).toBe(conclusion);
    expect(payload.name).toBe("wave/gates");
    expect(payload.externalId).toBe("st_6");
  });

  it.each([
    ["waiting", "in_progress", undefined, "All gates passed; waiting for the repository's checks"],
    ["failed", "completed", "action_required", "All gates passed; the repository's checks failed"],
    ["passed", "completed", "success", "All gates passed: ready to merge"],
  ] as const)("ready with the repository's checks %s → %s %s", (state, status, conclusion, title) => {
    const detail = `${state} on abc1234: \`test | lint\``;
    const payload = renderGatesCheck({ ...input("ready"), repositoryChecks: { state, detail } });
    expect(payload.status).toBe(status);
    expect(payload.conclusion).toBe(conclusion);
    expect(payload.title).toBe(title);
    expect(payload.summary).toContain("**The repository's checks:** ");
    expect(payload.summary).toContain("abc1234");
  });

  it("never uses neutral or skipped, and every payload fits GitHub's limits", () => {
    for (const standing of standings) {
      const payload = renderGatesCheck(input(standing));
      expect(["neutral", "skipped"]).not.toContain(payload.conclusion);
      expect(() => fitCheckRunPayload(payload)).not.toThrow();
      if (payload.conclusion === "action_required") expect(payload.detailsUrl).toMatch(/^https:\/\//);
    }
  });

  it("offers at most three buttons, fitting GitHub's limits, and none once the story is over", () => {
    for (const standing of standings) {
      const actions = gateActions(standing);
      expect(actions.length).toBeLessThanOrEqual(3);
      for (const a of actions) {
        expect(a.label.length).toBeLessThanOrEqual(20);
        expect(a.description.length).toBeLessThanOrEqual(40);
        expect(a.identifier.length).toBeLessThanOrEqual(20);
      }
    }
    expect(gateActions("awaiting_approval").map((a) => a.identifier)).toEqual(["approve", "hold"]);
    expect(gateActions("held").map((a) => a.identifier)).toEqual(["unhold"]);
    expect(gateActions("killed")).toEqual([]);
    expect(gateActions("done")).toEqual([]);
  });

  it("passes the given actions through unchanged", () => {
    const actions = [{ label: "Approve", description: "x", identifier: "approve" }];
    expect(renderGatesCheck({ ...input("awaiting_approval"), actions }).actions).toBe(actions);
  });

  it("names the gate being worked on and the gate that holds", () => {
    const working = GATES.map((gate, i): GateRow => ({ gate, state: i < 3 ? "passed" : i === 3 ? "running" : "pending" }));
    expect(renderGatesCheck(input("working", working)).title).toBe("Working on G3 Build");
    const held = GATES.map((gate, i): GateRow => ({ gate, state: i < 2 ? "passed" : i === 2 ? "held" : "pending" }));
    expect(renderGatesCheck(input("held", held)).title).toBe("Held at G2 Pre-flight: budget exhausted");
  });

  it.each(standings)("summary while %s", (standing) => {
    expect(renderGatesCheck(input(standing)).summary).toMatchSnapshot();
  });
});
