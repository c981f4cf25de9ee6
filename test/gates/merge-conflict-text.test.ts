import { describe, expect, it } from "vitest";
import { conflictFeedback, unresolvedConflicts } from "../../src/gates/merge-conflict-text.js";
import type { KeptChangeMerge } from "../../src/gates/merge-kept-change.js";

const merge: KeptChangeMerge & { toSha: string } = {
  toSha: "abc1234def5678abc1234def5678abc1234def56",
  conflicts: [
    { path: "src/a.ts", kind: "markers" },
    { path: "src/b.ts", kind: "markers" },
    { path: "logo.png", kind: "binary" },
    { path: "old.ts", kind: "deleted-by-change" },
  ],
};
const marked = "x\n<<<<<<< ours\nleft\n=======\nright\n>>>>>>> theirs\ny\n";
const file = (path: string, text: string, binary = false) => ({ path, content: Buffer.from(text), binary });

describe("the developer's feedback on a conflicted merge", () => {
  it("names the new base, every conflicted path and what the workspace holds for each", () => {
    const text = conflictFeedback(merge);
    expect(text.split("\n")[0]).toBe(
      "The base branch moved to abc1234; merging the change onto it conflicted in src/a.ts, src/b.ts, logo.png, old.ts: resolve the conflict markers, keep both sides' intent.",
    );
    expect(text).toContain("- src/a.ts: both sides changed the same lines; the file holds the conflict markers");
    expect(text).toContain("- logo.png: a binary file both sides changed; the workspace has the base branch's version");
    expect(text).toContain("- old.ts: the change deletes it and the base branch changed it; the workspace has the base branch's version");
  });
});

describe("conflict markers left after the developer's run", () => {
  it("finds a conflicted file that still holds a whole marker block, and only those", () => {
    const files = [
      file("src/a.ts", marked),
      file("src/b.ts", "resolved\n"),
      // Not a conflicted path: markers in it are the file's own business (a test fixture, a doc about git).
      file("docs/git.md", marked),
      file("logo.png", marked, true),
    ];
    expect(unresolvedConflicts(merge, files)).toEqual(["src/a.ts"]);
  });

  it("does not take a lone line of sevens for a marker block", () => {
    expect(unresolvedConflicts(merge, [file("src/a.ts", "=======\nheading\n")])).toEqual([]);
    expect(unresolvedConflicts(merge, [file("src/a.ts", "<<<<<<< only the start\n")])).toEqual([]);
  });
});
