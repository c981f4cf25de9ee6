import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { slugify, storyBranch } from "../../src/publish/branch-name.js";
import { waveRef } from "../../src/github/wave-ref.js";

describe("storyBranch", () => {
  it.each([
    ["Add a tool", "wave/6-add-a-tool"],
    ["Crème brûlée: naïve façade", "wave/6-creme-brulee-naive-facade"],
    ["  Fix   the  --bug-- in `parse()`!  ", "wave/6-fix-the-bug-in-parse"],
    ["日本語のタイトル", "wave/6-story"],
    ["", "wave/6-story"],
    ["Make the check-run writer respect every one of GitHub's limits", "wave/6-make-the-check-run-writer-respect-every"],
    ["Make the check-run writers respect every one of the limits", "wave/6-make-the-check-run-writers-respect"],
    ["a".repeat(60), `wave/6-${"a".repeat(40)}`],
  ])("%j → %s", (title, branch) => {
    expect(storyBranch(6, title)).toBe(branch);
  });

  it("always yields an ASCII slug of at most 40 characters that WAVE may write", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 1, max: 1_000_000 }), (title, issue) => {
        const slug = slugify(title);
        expect(slug.length).toBeGreaterThan(0);
        expect(slug.length).toBeLessThanOrEqual(40);
        expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(waveRef(storyBranch(issue, title))).toBe(`refs/heads/${storyBranch(issue, title)}`);
      }),
    );
  });
});
