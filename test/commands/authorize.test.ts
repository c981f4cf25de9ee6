import { describe, expect, it } from "vitest";
import { authorize, decideCommand, lookupsNeeded, type SenderFacts } from "../../src/commands/authorize.js";
import { commandsSection } from "../../src/config/sections/commands.js";

const { permissions } = commandsSection.parse({});
const sender = (over: Partial<SenderFacts> = {}): SenderFacts => ({
  login: "alice",
  role: "none",
  isOwner: false,
  teams: new Set(),
  ...over,
});
const story = { starter: "Alice", holdPlacers: [] };

describe("authorize (pure)", () => {
  it("compares logins without case", () => {
    expect(decideCommand("hold", permissions.hold, sender(), story)).toMatchObject({ allowed: true, by: "starter" });
  });

  it("deny_starter wins over a users entry", () => {
    const rule = commandsSection.parse({ permissions: { approve: { users: ["alice"] } } }).permissions.approve;
    expect(decideCommand("approve", rule, sender({ role: "admin" }), story)).toMatchObject({ allowed: false, why: "starter" });
  });

  it("an organisation owner meets every role", () => {
    expect(
      authorize(
        [
          { name: "kill", reason: "x" },
          { name: "stop-all", reason: null },
        ],
        permissions,
        sender({ role: "admin", isOwner: true }),
        { starter: null, holdPlacers: [] },
      ),
    ).toMatchObject({
      allowed: true,
      needed: "owner",
      actual: "owner",
    });
  });

  it("with no story, starter and hold placer rules do not apply", () => {
    const facts = { starter: null, holdPlacers: [] };
    expect(decideCommand("hold", permissions.hold, sender({ role: "read" }), facts).allowed).toBe(false);
    expect(decideCommand("approve", permissions.approve, sender({ role: "write" }), facts).allowed).toBe(true);
  });

  it("asks GitHub only for what the rules need", () => {
    expect(lookupsNeeded([{ name: "status" }, { name: "help" }], permissions)).toEqual({ role: false, owner: false, teams: [] });
    expect(lookupsNeeded([{ name: "approve" }], permissions)).toEqual({ role: true, owner: false, teams: [] });
    expect(lookupsNeeded([{ name: "resume-all" }], permissions)).toEqual({ role: true, owner: true, teams: [] });
  });
});
