import { describe, expect, it } from "vitest";
import { gateActions } from "../../src/checks/gates-check.js";
import type { StoryStanding } from "../../src/checks/types.js";
import { commandForAction } from "../../src/commands/check-run-actions.js";

const standings: StoryStanding[] = ["working", "held", "awaiting_approval", "ready", "killed", "done"];

describe("wave/gates check-run buttons", () => {
  it.each(standings)("every button offered while %s turns into the command it is labelled with, within GitHub's limits", (standing) => {
    const actions = gateActions(standing);
    expect(actions.length).toBeLessThanOrEqual(3);
    for (const action of actions) {
      expect(action.label.length).toBeLessThanOrEqual(20);
      expect(action.description.length).toBeLessThanOrEqual(40);
      expect(action.identifier.length).toBeLessThanOrEqual(20);
      expect(commandForAction(action.identifier)?.name).toBe(action.label.toLowerCase());
    }
  });

  it("maps the three identifiers and nothing else", () => {
    expect(commandForAction("approve")).toEqual({ name: "approve" });
    expect(commandForAction("hold")).toEqual({ name: "hold", reason: "held with the check-run button" });
    expect(commandForAction("unhold")).toEqual({ name: "unhold" });
    expect(commandForAction("kill")).toBeNull();
    expect(commandForAction("APPROVE")).toBeNull();
    expect(commandForAction("lgtm|26764")).toBeNull();
  });
});
