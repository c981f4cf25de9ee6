import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "../../src/safety/diff/parse-unified-diff.js";

describe("parseUnifiedDiff", () => {
  it("reads files, statuses, modes and line numbers", () => {
    const files = parseUnifiedDiff(
      [
        "diff --git a/src/a.ts b/src/a.ts",
        "old mode 100644",
        "new mode 100755",
        "index 1..2",
        "--- a/src/a.ts",
        "+++ b/src/a.ts",
        "@@ -3,3 +3,4 @@ fn",
        " keep",
        "-gone",
        "+new one",
        "+new two",
        " tail",
        "diff --git a/b.txt b/b.txt",
        "deleted file mode 100644",
        "--- a/b.txt",
        "+++ /dev/null",
        "@@ -1 +0,0 @@",
        "-bye",
        "diff --git a/c.txt b/c.txt",
        "new file mode 100644",
        "--- /dev/null",
        "+++ b/c.txt",
        "@@ -0,0 +1 @@",
        "+hi",
        "\\ No newline at end of file",
      ].join("\n"),
    );
    expect(files.map((f) => [f.path, f.status])).toEqual([
      ["src/a.ts", "modified"],
      ["b.txt", "deleted"],
      ["c.txt", "added"],
    ]);
    expect(files[0]?.oldMode).toBe("100644");
    expect(files[0]?.newMode).toBe("100755");
    expect(files[0]?.lines.filter((l) => l.kind === "add").map((l) => l.newLine)).toEqual([4, 5]);
    expect(files[0]?.lines.find((l) => l.kind === "del")?.oldLine).toBe(4);
    expect(files[2]?.lines).toHaveLength(1);
  });

  it("reads renames without hunks", () => {
    const [f] = parseUnifiedDiff(
      "diff --git a/t/x.test.ts b/t/y.test.ts\nsimilarity index 100%\nrename from t/x.test.ts\nrename to t/y.test.ts\n",
    );
    expect(f).toMatchObject({ status: "renamed", oldPath: "t/x.test.ts", newPath: "t/y.test.ts", path: "t/y.test.ts" });
  });

  it("does not mistake a removed line starting with -- for a file header", () => {
    const [f, g] = parseUnifiedDiff(
      [
        "--- a/q.sql",
        "+++ b/q.sql",
        "@@ -1,2 +1,1 @@",
        "--- a comment",
        "+++ not a header",
        "-select 1;",
        "--- a/r.sql",
        "+++ b/r.sql",
        "@@ -1 +1 @@",
        "-x",
        "+y",
      ].join("\n"),
    );
    expect(f?.lines.map((l) => l.kind)).toEqual(["del", "add", "del"]);
    expect(g?.path).toBe("r.sql");
  });

  it("marks binary files", () => {
    const [f] = parseUnifiedDiff("diff --git a/img.png b/img.png\nindex 1..2 100644\nBinary files a/img.png and b/img.png differ\n");
    expect(f?.binary).toBe(true);
  });
});
