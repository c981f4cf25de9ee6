import { describe, expect, it } from "vitest";
import { closestCommand, editDistance, isPlausibleTypo } from "../../src/commands/closest-command.js";

describe("closestCommand", () => {
  it.each([
    ["aprove", "approve", 1],
    ["appprove", "approve", 1],
    ["hodl", "hold", 1],
    ["unhlod", "unhold", 1],
    ["stopall", "stop-all", 1],
    ["resumeall", "resume-all", 1],
    ["resum", "unhold", 1],
    ["stauts", "status", 1],
    ["hepl", "help", 1],
    ["buget", "budget", 1],
    ["recyle", "recycle", 1],
    ["KILLL", "kill", 1],
  ])("%s → %s", (written, name, distance) => {
    expect(closestCommand(written)).toMatchObject({ name, distance });
  });

  it("does not offer a far guess", () => {
    expect(isPlausibleTypo(closestCommand("deploy-to-production"))).toBe(false);
    expect(isPlausibleTypo(closestCommand("aprove"))).toBe(true);
  });

  it("stays cheap on a huge word", () => {
    expect(closestCommand("x".repeat(100_000)).distance).toBeGreaterThan(30);
  });

  it("edit distance counts a swap of neighbours as one", () => {
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
  });
});
