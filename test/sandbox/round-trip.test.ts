import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace, WorkspaceChange } from "../../src/sandbox/runner.js";
import { hostTree, sandboxTree, tarballOf, tempDir, testRunner } from "./harness.js";

/**
 * A fixture repository goes in as a tarball, commands edit it, the exported patch is applied
 * with `git apply` to a pristine copy of the original, and the result must equal the sandbox's
 * tree byte for byte and mode for mode.
 */
describe("round trip through the sandbox", () => {
  const original = tempDir("original");
  const binaryBefore = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 255, 0, 10, 13]);
  const binaryAfter = Buffer.concat([binaryBefore, Buffer.from([0, 0, 7, 255, 254])]);
  let workspace: Workspace;
  let change: WorkspaceChange;

  beforeAll(async () => {
    mkdirSync(join(original, "src"), { recursive: true });
    mkdirSync(join(original, "assets"));
    writeFileSync(join(original, "README.md"), "# Fixture\n\nLine two.\n");
    writeFileSync(join(original, "src", "index.js"), "export const answer = 41;\n");
    writeFileSync(join(original, "src", "remove-me.js"), "console.log('bye');\n");
    writeFileSync(join(original, "src", "rename-me.js"), "export function helper() {\n  return 'same content, new name';\n}\n".repeat(5));
    writeFileSync(join(original, "build.sh"), "#!/bin/sh\necho build\n");
    writeFileSync(join(original, "assets", "logo.bin"), binaryBefore);
    writeFileSync(join(original, "latin1.txt"), Buffer.from("caf\xe9 cr\xe8me\n", "latin1"));
    // Attributes that would rewrite line endings if git honoured them: the patch must still be exact.
    writeFileSync(join(original, ".gitattributes"), "*.txt text eol=crlf\n*.md filter=nonexistent\n");
    writeFileSync(join(original, "crlf.txt"), "one\r\ntwo\r\n");
    // Ignored by the repository's own .gitignore, yet part of the tree: edits to it must be exported too.
    writeFileSync(join(original, ".gitignore"), "*.log\nbuild/\n");
    writeFileSync(join(original, "tracked.log"), "shipped with the repo\n");
    symlinkSync("src/index.js", join(original, "entry.js"));

    const runner = testRunner();
    workspace = await runner.createWorkspace({ storyId: "round-trip", jobId: `rt-${process.pid}` }, tarballOf(original));

    const edits = [
      "sed -i 's/41/42/' src/index.js",
      "rm src/remove-me.js",
      "git mv src/rename-me.js src/renamed.js", // the agent's own git use must not disturb the export
      "chmod +x build.sh",
      "./build.sh >/dev/null", // the workspace allows running what is in it
      `printf '\\000\\000\\007\\377\\376' >> assets/logo.bin`,
      "printf 'brand new\\n' > src/new-file.txt",
      "printf '\\001\\002binary new\\000' > assets/new.bin",
      "printf 'appended\\n' >> tracked.log",
      "printf 'ignored output\\n' > debug.log",
      "mkdir -p build && echo artifact > build/out.o",
      "printf 'na\\357ve\\n' >> latin1.txt",
      "printf 'three\\r\\n' >> crlf.txt",
      "ln -sfn README.md entry.js",
      "git add -A && git commit -qm 'agent commit'", // a commit moves HEAD; the baseline must not move
    ];
    const result = await workspace.exec(["sh", "-c", edits.join(" && ")]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    await workspace.writeFile("README.md", "# Fixture\n\nLine two, edited through writeFile.\n");
    await workspace.writeFile("tools/run.py", "print('hi')\n", { mode: 0o755 });
    change = await workspace.exportChange();
  });

  afterAll(async () => {
    await workspace?.destroy();
  });

  it("produces a patch that applies to the original and reproduces the sandbox's tree exactly", async () => {
    const copy = tempDir("apply");
    execFileSync("cp", ["-a", `${original}/.`, copy]);
    writeFileSync(join(copy, "..", `${copy.split("/").pop()}.patch`), change.patch);
    execFileSync("git", ["apply", "--binary", "--whitespace=nowarn", join(copy, "..", `${copy.split("/").pop()}.patch`)], { cwd: copy });
    const expected = await sandboxTree(workspace);
    const ignoredByExport = ["debug.log", "build/out.o"];
    for (const path of ignoredByExport) delete expected[path];
    expect(hostTree(copy)).toEqual(expected);
  });

  it("lists each changed file with status, mode, content and binary flag", () => {
    const byPath = new Map(change.files.map((f) => [f.path, f]));
    expect([...byPath.keys()].sort()).toEqual(
      [
        "README.md",
        "assets/logo.bin",
        "assets/new.bin",
        "build.sh",
        "crlf.txt",
        "entry.js",
        "latin1.txt",
        "src/index.js",
        "src/new-file.txt",
        "src/remove-me.js",
        "src/renamed.js",
        "tools/run.py",
        "tracked.log",
      ].sort(),
    );
    expect(byPath.get("src/index.js")).toMatchObject({
      status: "modified",
      mode: "100644",
      binary: false,
      content: Buffer.from("export const answer = 42;\n"),
    });
    expect(byPath.get("src/remove-me.js")).toEqual({ path: "src/remove-me.js", status: "deleted", binary: false });
    expect(byPath.get("src/renamed.js")).toMatchObject({ status: "renamed", previousPath: "src/rename-me.js", mode: "100644" });
    expect(byPath.get("build.sh")).toMatchObject({ status: "modified", mode: "100755", content: Buffer.from("#!/bin/sh\necho build\n") });
    expect(byPath.get("assets/logo.bin")).toMatchObject({ status: "modified", binary: true, content: binaryAfter });
    expect(byPath.get("assets/new.bin")).toMatchObject({ status: "added", binary: true });
    expect(byPath.get("tools/run.py")).toMatchObject({ status: "added", mode: "100755", content: Buffer.from("print('hi')\n") });
    expect(byPath.get("entry.js")).toMatchObject({ status: "modified", mode: "120000", content: Buffer.from("README.md") });
    expect(byPath.get("crlf.txt")?.content).toEqual(Buffer.from("one\r\ntwo\r\nthree\r\n"));
    expect(byPath.get("latin1.txt")?.content).toEqual(
      Buffer.concat([Buffer.from("caf\xe9 cr\xe8me\n", "latin1"), Buffer.from("na\xefve\n", "latin1")]),
    );
  });

  it("keeps the patch valid text even when a changed file is not UTF-8 (as binary hunks)", () => {
    expect(change.patch).toContain("GIT binary patch");
    expect(Buffer.from(change.patch, "utf8").toString("utf8")).toBe(change.patch);
    expect(change.patch).toMatch(/^diff --git a\/README\.md b\/README\.md$/m);
  });

  it("exports nothing when nothing changed", async () => {
    const runner = testRunner();
    const fresh = await runner.createWorkspace({ storyId: "round-trip", jobId: `rt-empty-${process.pid}` }, tarballOf(original));
    try {
      expect(await fresh.exportChange()).toEqual({ patch: "", files: [] });
    } finally {
      await fresh.destroy();
    }
  });
});
