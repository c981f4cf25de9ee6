import { describe, expect, it } from "vitest";
import { binaryPaths, parseCatFileBatch, parseRawDiff } from "../../src/sandbox/diff-parse.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);

describe("parseRawDiff", () => {
  it("reads additions, modifications, mode changes, deletions and renames", () => {
    const raw = [
      `:000000 100644 ${Z} ${A} A`,
      "new.txt",
      `:100644 100755 ${A} ${A} M`,
      "tool.sh",
      `:100644 000000 ${A} ${Z} D`,
      "gone.txt",
      `:100644 100644 ${A} ${B} R087`,
      "old name.txt",
      "dir/new name.txt",
      `:100644 120000 ${A} ${B} T`,
      "link",
      "",
    ].join("\0");
    expect(parseRawDiff(raw)).toEqual([
      { status: "added", path: "new.txt", mode: "100644", blob: A },
      { status: "modified", path: "tool.sh", mode: "100755", blob: A },
      { status: "deleted", path: "gone.txt" },
      { status: "renamed", path: "dir/new name.txt", previousPath: "old name.txt", mode: "100644", blob: B },
      { status: "modified", path: "link", mode: "120000", blob: B },
    ]);
  });

  it("leaves out submodule links, which have no content to hand over", () => {
    expect(parseRawDiff(`:000000 160000 ${Z} ${A} A\0vendor/lib\0`)).toEqual([]);
  });

  it("keeps paths with newlines and tabs intact (NUL-separated)", () => {
    expect(parseRawDiff(`:000000 100644 ${Z} ${A} A\0a\tb\nc\0`)[0]?.path).toBe("a\tb\nc");
  });

  it("is empty for no change and throws on garbage", () => {
    expect(parseRawDiff("")).toEqual([]);
    expect(() => parseRawDiff("nonsense\0")).toThrow(/unexpected line/);
  });
});

describe("binaryPaths", () => {
  it("finds binary files, renamed ones by their new path", () => {
    const numstat = ["1\t0\ttext.txt", "-\t-\timage.png", "-\t-\t", "old.bin", "new.bin", "3\t1\t", "a.txt", "b.txt", ""].join("\0");
    expect([...binaryPaths(numstat)].sort()).toEqual(["image.png", "new.bin"]);
  });
});

describe("parseCatFileBatch", () => {
  it("splits blobs by their byte sizes, binary content included", () => {
    const one = Buffer.from([0, 10, 255, 10]);
    const two = Buffer.from("hi\n");
    const out = Buffer.concat([
      Buffer.from(`${A} blob ${one.length}\n`),
      one,
      Buffer.from("\n"),
      Buffer.from(`${B} blob ${two.length}\n`),
      two,
      Buffer.from("\n"),
    ]);
    const blobs = parseCatFileBatch(out);
    expect(blobs.get(A)?.equals(one)).toBe(true);
    expect(blobs.get(B)?.toString()).toBe("hi\n");
  });

  it("throws on truncated output", () => {
    expect(() => parseCatFileBatch(Buffer.from(`${A} blob 10\nshort`))).toThrow(/truncated/);
  });
});
