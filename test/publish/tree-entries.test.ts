import { describe, expect, it } from "vitest";
import { treeEntries } from "../../src/publish/tree-entries.js";
import { blobContent, touchedPaths } from "../../src/publish/blob-content.js";
import { gitBlobSha } from "../../src/publish/git-blob-sha.js";

describe("treeEntries", () => {
  it("deletes a rename's old path and keeps a later write of a deleted path", () => {
    const entries = treeEntries(
      [
        { path: "b", previousPath: "a", status: "renamed", mode: "100755", content: Buffer.from("x"), binary: false },
        { path: "c", status: "deleted", binary: false },
        { path: "c", status: "added", mode: "120000", content: Buffer.from("b"), binary: false },
      ],
      new Map([
        ["b", "1".repeat(40)],
        ["c", "2".repeat(40)],
      ]),
    );
    expect(entries).toEqual([
      { path: "a", mode: "100644", type: "blob", sha: null },
      { path: "b", mode: "100755", type: "blob", sha: "1".repeat(40) },
      { path: "c", mode: "120000", type: "blob", sha: "2".repeat(40) },
    ]);
  });

  it("refuses a written file without a blob or a mode", () => {
    expect(() => treeEntries([{ path: "x", status: "added", mode: "100644", content: Buffer.from(""), binary: false }], new Map())).toThrow(
      /no blob for x/,
    );
    expect(() =>
      treeEntries([{ path: "x", status: "added", content: Buffer.from(""), binary: false }], new Map([["x", "1".repeat(40)]])),
    ).toThrow(/no mode for x/);
  });
});

describe("blobContent", () => {
  it("sends UTF-8 text as is and everything else as base64", () => {
    expect(blobContent(Buffer.from("héllo\n"), false)).toEqual({ content: "héllo\n", encoding: "utf-8" });
    expect(blobContent(Buffer.from("plain"), true)).toEqual({ content: Buffer.from("plain").toString("base64"), encoding: "base64" });
    expect(blobContent(Buffer.from([0xe9]), false).encoding).toBe("base64");
    expect(
      touchedPaths([
        { path: "b", previousPath: "a", status: "renamed", binary: false },
        { path: "b", status: "modified", binary: false },
      ]),
    ).toEqual(["a", "b"]);
  });
});

describe("gitBlobSha", () => {
  it("matches git hash-object", () => {
    // `printf 'hello\n' | git hash-object --stdin` and `git hash-object /dev/null`.
    expect(gitBlobSha(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(gitBlobSha(Buffer.alloc(0))).toBe("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
  });
});
