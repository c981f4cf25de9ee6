import { describe, expect, it } from "vitest";
import { checkRunActionLimits, commandForAction, gateCheckRunActions } from "../../src/commands/check-run-actions.js";

describe("wave/gates check-run buttons", () => {
  it("stay within GitHub's limits", () => {
    const all = gateCheckRunActions();
    expect(all.map((a) => a.identifier)).toEqual(["approve", "hold", "unhold"]);
    expect(all.length).toBeLessThanOrEqual(checkRunActionLimits.maxActions);
    for (const action of all) {
      expect(action.label.length).toBeLessThanOrEqual(checkRunActionLimits.label);
      expect(action.description.length).toBeLessThanOrEqual(checkRunActionLimits.description);
      expect(action.identifier.length).toBeLessThanOrEqual(checkRunActionLimits.identifier);
    }
  });

  it.each([
    [{ held: false, awaitingApproval: false, finished: false }, ["hold"]],
    [{ held: false, awaitingApproval: true, finished: false }, ["approve", "hold"]],
    [{ held: true, awaitingApproval: true, finished: false }, ["unhold"]],
    [{ held: true, awaitingApproval: false, finished: true }, []],
  ])("follow the story's state %o", (state, identifiers) => {
    expect(gateCheckRunActions(state).map((a) => a.identifier)).toEqual(identifiers);
  });

  it("map back to the same commands", () => {
    expect(commandForAction("approve")).toEqual({ name: "approve" });
    expect(commandForAction("hold")).toEqual({ name: "hold", reason: "held with the check-run button" });
    expect(commandForAction("unhold")).toEqual({ name: "unhold" });
    expect(commandForAction("kill")).toBeNull();
    expect(commandForAction("lgtm|26764")).toBeNull();
  });
});
