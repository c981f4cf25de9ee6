import { describe, expect, it } from "vitest";
import { workspaceRelativePath } from "../../src/sandbox/workspace-path.js";

describe("workspaceRelativePath", () => {
  it.each([
    ["src/a.ts", "src/a.ts"],
    ["./src//a.ts", "src/a.ts"],
    ["src/x/../a.ts", "src/a.ts"],
    ["/workspace/src/a.ts", "src/a.ts"],
    ["dir/", "dir"],
  ])("%s → %s", (input, expected) => {
    expect(workspaceRelativePath(input)).toBe(expected);
  });

  it.each(["../etc/passwd", "/etc/passwd", "a/../../b", "", ".", "/workspace", "a\0b"])("refuses %j", (input) => {
    expect(() => workspaceRelativePath(input)).toThrow(/workspace|NUL/);
  });
});
