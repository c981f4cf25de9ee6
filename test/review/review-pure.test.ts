import { describe, expect, it } from "vitest";
import { diffAnchors } from "../../src/review/diff-anchors.js";
import { reviewSchema, type Review } from "../../src/review/review-schema.js";
import { renderReview, reviewVerdictLine } from "../../src/review/review-text.js";

const patch = [
  "diff --git a/src/calc.js b/src/calc.js",
  "index 1111111..2222222 100644",
  "--- a/src/calc.js",
  "+++ b/src/calc.js",
  "@@ -1,5 +1,5 @@",
  " export function add(a, b) {",
  "-  return a - b;",
  "+  return a + b;",
  "+  // sum",
  " }",
  "--- not a header",
  " ",
  "@@ -20 +21 @@",
  "-x",
  "+y",
  "diff --git a/gone.txt b/gone.txt",
  "deleted file mode 100644",
  "--- a/gone.txt",
  "+++ /dev/null",
  "@@ -1 +0,0 @@",
  "-bye",
  "diff --git a/new.md b/new.md",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/new.md",
  "@@ -0,0 +1,2 @@",
  "+# New",
  "+",
  "\\ No newline at end of file",
  "",
].join("\n");

describe("diffAnchors", () => {
  it("lists the new-side lines each file's hunks show, and nothing for deleted files", () => {
    const anchors = diffAnchors(patch);
    // A removed line that looks like a file header stays inside its hunk.
    expect([...(anchors.get("src/calc.js") ?? [])]).toEqual([1, 2, 3, 4, 5, 21]);
    expect(anchors.has("gone.txt")).toBe(false);
    expect(anchors.has("/dev/null")).toBe(false);
    expect([...(anchors.get("new.md") ?? [])]).toEqual([1, 2]);
  });
});

const review: Review = {
  verdict: "needs_changes",
  summary: "add() is fixed, but the comment is noise.",
  criteria: [
    { criterion: "add(2, 3) returns 5", met: true, note: "return a + b" },
    { criterion: "multiply | divide keep working", met: false, note: "no test\nfor divide" },
  ],
  findings: [
    { path: "src/calc.js", line: 3, severity: "minor", body: "Drop the `// sum` comment." },
    { path: "src/calc.js", line: 40, severity: "major", body: "divide by zero\nis unhandled" },
    { path: "other.js", line: 1, severity: "nit", body: "not in the diff" },
  ],
};

describe("renderReview", () => {
  it("anchors findings on lines the diff shows and lists the rest in the body", () => {
    const rendered = renderReview(review, diffAnchors(patch));
    expect(rendered.comments).toEqual([{ path: "src/calc.js", line: 3, side: "RIGHT", body: "**🟡 minor**: Drop the `// sum` comment." }]);
    expect(rendered.body).toMatchSnapshot();
  });

  it("says looks right without findings, and counts them otherwise", () => {
    expect(reviewVerdictLine({ ...review, verdict: "looks_right", findings: [] })).toBe("looks right");
    expect(reviewVerdictLine(review)).toBe("needs changes, 3 findings");
  });
});

describe("reviewSchema", () => {
  it("refuses unknown fields, bad severities and line 0", () => {
    expect(reviewSchema.safeParse(review).success).toBe(true);
    expect(reviewSchema.safeParse({ ...review, extra: 1 }).success).toBe(false);
    expect(reviewSchema.safeParse({ ...review, findings: [{ path: "a", line: 0, severity: "nit", body: "x" }] }).success).toBe(false);
    expect(reviewSchema.safeParse({ ...review, findings: [{ path: "a", line: 1, severity: "fatal", body: "x" }] }).success).toBe(false);
  });
});
