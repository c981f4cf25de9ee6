import { describe, expect, it } from "vitest";
import { configKeys } from "../../src/config/reference.js";

// docs/configuration.md, the README's table and the JSON Schema's hover text all come from
// these descriptions, so a key added without `.describe(…)` would ship undocumented.
describe("every configuration key is described", () => {
  const keys = configKeys();

  it("lists the keys of every section", () => {
    const sections = new Set(keys.map((k) => k.key.split(".")[0]));
    for (const section of ["sandbox", "agents", "budget", "safety", "commands"]) expect(sections).toContain(section);
  });

  it.each(keys.map((k) => [k.key, k.description] as const))("%s has a description", (_key, description) => {
    expect(description.trim()).not.toBe("");
  });
});
