import { describe, expect, it } from "vitest";
import { evaluateDiff } from "../../src/safety/policy/evaluate-diff.js";
import { DEPENDENCY_FILES } from "../../src/sandbox/setup/ecosystems.js";
import { defaultPolicyContext } from "./corpus.js";

const diffOf = (path: string) => [`diff --git a/${path} b/${path}`, `--- a/${path}`, `+++ b/${path}`, "@@ -1,0 +1,1 @@", "+x"].join("\n");
const found = (path: string) =>
  evaluateDiff({ diff: diffOf(path), toolCalls: [] }, defaultPolicyContext).violations.filter((v) => v.ruleId === "dependencies.changed");

describe("dependencies.changed", () => {
  it.each([...DEPENDENCY_FILES])("notes a change to %s, at the root or deeper, without blocking", (name) => {
    for (const path of [name, `packages/app/${name}`]) {
      const v = found(path);
      expect(v).toHaveLength(1);
      expect(v[0]).toMatchObject({ severity: "low", path });
      expect(v[0]?.message).toContain("re-installs");
    }
  });

  it("leaves other files alone, however alike their names", () => {
    for (const path of ["src/package.json.ts", "docs/requirements.md", "go.mod.bak", "Cargo.lock.old"]) expect(found(path)).toEqual([]);
  });
});
