import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mergeKeptChange } from "../../src/gates/merge-kept-change.js";
import type { Workspace, WorkspaceChange } from "../../src/sandbox/runner.js";
import { tarballOf, tempDir, testRunner } from "./harness.js";

/**
 * The kept change, made on an old base in one real gVisor sandbox, is merged onto newer bases in
 * others: clean where the two sides touched different lines, with git's conflict markers where
 * they touched the same ones, and listed without markers where a file was deleted on one side or
 * is binary on both. The exported change after the merge is measured against the new base.
 */
const numbered = (n: number, edit: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join("\n") + "\n";
const binaryBefore = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 0]);
const binaryOurs = Buffer.concat([binaryBefore, Buffer.from([7, 7, 0, 255])]);
const binaryTheirs = Buffer.concat([binaryBefore, Buffer.from([9, 0, 9])]);

function repo(files: Record<string, string | Buffer>): string {
  const dir = tempDir("merge-base");
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const oldBase = {
  "src/a.js": numbered(10),
  "src/b.js": numbered(10),
  "src/gone.js": numbered(3),
  "src/removed-later.js": numbered(4),
  "src/rename-me.js": numbered(20),
  "assets/logo.bin": binaryBefore,
  "README.md": "# Fixture\n",
};

describe("merging the kept change onto a newer base in the sandbox", () => {
  const runner = testRunner();
  const open: Workspace[] = [];
  let change: WorkspaceChange;
  const workspace = async (dir: string, name: string) => {
    const ws = await runner.createWorkspace({ storyId: "merge-kept-change", jobId: `${name}-${process.pid}` }, tarballOf(dir));
    open.push(ws);
    return ws;
  };

  beforeAll(async () => {
    const ws = await workspace(repo(oldBase), "old");
    await ws.writeFile("src/a.js", numbered(10, { 2: "ours on line 2" }));
    await ws.writeFile("src/b.js", numbered(10, { 9: "ours on line 9" }));
    await ws.writeFile("src/removed-later.js", numbered(4, { 1: "ours on line 1" }));
    await ws.writeFile("src/added.js", "export const added = true;\n");
    await ws.writeFile("assets/logo.bin", binaryOurs);
    const renamed = await ws.exec([
      "sh",
      "-c",
      "mv src/rename-me.js src/renamed.js && sed -i 's/^line 15$/ours on line 15/' src/renamed.js",
    ]);
    expect(renamed.exitCode).toBe(0);
    const removed = await ws.exec(["rm", "src/gone.js"]);
    expect(removed.exitCode).toBe(0);
    change = await ws.exportChange();
    expect(change.files.map((f) => `${f.status} ${f.path}`).sort()).toEqual([
      "added src/added.js",
      "deleted src/gone.js",
      "modified assets/logo.bin",
      "modified src/a.js",
      "modified src/b.js",
      "modified src/removed-later.js",
      "renamed src/renamed.js",
    ]);
  });
  afterAll(async () => {
    await Promise.all(open.map((ws) => ws.destroy()));
  });

  it("merges cleanly when the base changed other lines and files: added, deleted and binary files included", async () => {
    const dir = repo(oldBase);
    writeFileSync(join(dir, "src/b.js"), numbered(10, { 1: "theirs on line 1" }));
    writeFileSync(join(dir, "README.md"), "# Fixture, renamed upstream\n");
    writeFileSync(join(dir, "src/rename-me.js"), numbered(20, { 2: "theirs on line 2" }));
    const ws = await workspace(dir, "clean");
    expect(await mergeKeptChange(ws, change)).toEqual({ conflicts: [] });
    expect((await ws.readFile("src/b.js")).toString()).toBe(numbered(10, { 1: "theirs on line 1", 9: "ours on line 9" }));
    expect((await ws.readFile("src/a.js")).toString()).toBe(numbered(10, { 2: "ours on line 2" }));
    expect((await ws.readFile("src/added.js")).toString()).toBe("export const added = true;\n");
    expect(await ws.readFile("assets/logo.bin")).toEqual(binaryOurs);
    expect((await ws.exec(["test", "-e", "src/gone.js"])).exitCode).toBe(1);
    // A renamed file takes the base's edit of its old name along.
    expect((await ws.readFile("src/renamed.js")).toString()).toBe(numbered(20, { 2: "theirs on line 2", 15: "ours on line 15" }));
    expect((await ws.exec(["test", "-e", "src/rename-me.js"])).exitCode).toBe(1);
    // Nothing of the merge's scratch work is left where an export or the agent would see it.
    expect((await ws.exec(["test", "-e", "/tmp/.wave-merge"])).exitCode).toBe(1);
    expect((await ws.exec(["git", "diff", "--cached", "--quiet"])).exitCode).toBe(0);
    // The change is now measured against the new base: the base's own edits are not in it.
    const exported = await ws.exportChange();
    expect(exported.files.map((f) => f.path).sort()).toEqual([
      "assets/logo.bin",
      "src/a.js",
      "src/added.js",
      "src/b.js",
      "src/gone.js",
      "src/removed-later.js",
      "src/renamed.js",
    ]);
    expect(exported.patch).not.toContain("renamed upstream");
    expect(exported.patch).not.toContain("theirs on line 1");
  });

  it("leaves conflict markers where both sides changed the same lines, and lists each path git could not merge", async () => {
    const dir = repo(oldBase);
    writeFileSync(join(dir, "src/a.js"), numbered(10, { 2: "theirs on line 2" }));
    writeFileSync(join(dir, "src/b.js"), numbered(10, { 1: "theirs on line 1" }));
    writeFileSync(join(dir, "src/gone.js"), numbered(3, { 3: "theirs on line 3" }));
    writeFileSync(join(dir, "src/added.js"), "export const added = 'theirs';\n");
    writeFileSync(join(dir, "assets/logo.bin"), binaryTheirs);
    rmSync(join(dir, "src/removed-later.js"));
    const ws = await workspace(dir, "conflicts");
    const merged = await mergeKeptChange(ws, change);
    expect(merged.conflicts).toEqual([
      { path: "assets/logo.bin", kind: "binary" },
      { path: "src/a.js", kind: "markers" },
      { path: "src/added.js", kind: "markers" },
      { path: "src/gone.js", kind: "deleted-by-change" },
      { path: "src/removed-later.js", kind: "changed-on-base" },
    ]);
    const a = (await ws.readFile("src/a.js")).toString();
    expect(a).toMatch(/^<<<<<<< .*\ntheirs on line 2\n=======\nours on line 2\n>>>>>>> .*$/m);
    expect(a).toContain("line 10\n");
    expect((await ws.readFile("src/added.js")).toString()).toMatch(/<<<<<<< [^]*'theirs'[^]*=======[^]*true[^]*>>>>>>> /);
    // The lines nobody fought over still merged.
    expect((await ws.readFile("src/b.js")).toString()).toBe(numbered(10, { 1: "theirs on line 1", 9: "ours on line 9" }));
    // The side the workspace keeps where git could not merge, as the kinds say.
    expect(await ws.readFile("assets/logo.bin")).toEqual(binaryTheirs);
    expect((await ws.readFile("src/gone.js")).toString()).toBe(numbered(3, { 3: "theirs on line 3" }));
    expect((await ws.readFile("src/removed-later.js")).toString()).toBe(numbered(4, { 1: "ours on line 1" }));
  });

  it("merges onto a base that already holds the change as if nothing had moved", async () => {
    const dir = repo(oldBase);
    cpSync(join(repo({ "src/a.js": numbered(10, { 2: "ours on line 2" }) }), "src/a.js"), join(dir, "src/a.js"));
    const ws = await workspace(dir, "same");
    expect(await mergeKeptChange(ws, change)).toEqual({ conflicts: [] });
    expect((await ws.readFile("src/a.js")).toString()).toBe(numbered(10, { 2: "ours on line 2" }));
  });
});
