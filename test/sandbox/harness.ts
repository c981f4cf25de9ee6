import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import type { DockerRunnerOptions } from "../../src/sandbox/docker-runner.js";
import type { Workspace } from "../../src/sandbox/runner.js";

/** The real Docker + gVisor runner the sandbox tests use, with a test instance label; WAVE_SANDBOX_IMAGE picks the image, as in production. */
export function testRunner(options: Partial<DockerRunnerOptions> = {}) {
  const image = process.env.WAVE_SANDBOX_IMAGE ? { image: process.env.WAVE_SANDBOX_IMAGE } : {};
  return createDockerRunner({ instance: `test-${process.pid}`, ...options, policy: { maxConcurrent: 4, ...image, ...options.policy } });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `wave-${prefix}-`));
}

/** A gzipped tarball of `dir` under a single top-level folder, as GitHub serves them. */
export function tarballOf(dir: string, topLevel = "owner-repo-abc123"): Readable {
  const parent = tempDir("tarball");
  execFileSync("cp", ["-a", dir, join(parent, topLevel)]);
  return Readable.from([execFileSync("tar", ["-czf", "-", "-C", parent, topLevel], { maxBuffer: 64 * 1024 * 1024 })]);
}

export function emptyTarball(): Readable {
  return Readable.from([Buffer.alloc(1024)]);
}

export interface TreeEntry {
  type: "file" | "symlink";
  /** Permission bits for files ("644", "755"), absent for symlinks. */
  mode?: string;
  content: string;
}

/** Every file and symlink under `dir` (except .git), with modes and exact contents (base64). */
export function hostTree(dir: string): Record<string, TreeEntry> {
  const tree: Record<string, TreeEntry> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      if (rel === "" && name === ".git") continue;
      const path = rel === "" ? name : `${rel}/${name}`;
      const stat = lstatSync(join(dir, path));
      if (stat.isSymbolicLink()) tree[path] = { type: "symlink", content: Buffer.from(readlinkSync(join(dir, path))).toString("base64") };
      else if (stat.isDirectory()) walk(path);
      else tree[path] = { type: "file", mode: (stat.mode & 0o777).toString(8), content: readFileSync(join(dir, path)).toString("base64") };
    }
  };
  walk("");
  return tree;
}

/** The same listing, read from inside the sandbox through the Runner. */
export async function sandboxTree(workspace: Workspace): Promise<Record<string, TreeEntry>> {
  const listing = await workspace.exec(["sh", "-c", "find . -path ./.git -prune -o \\( -type f -o -type l \\) -printf '%y %m %p\\0%l\\0'"]);
  if (listing.exitCode !== 0) throw new Error(listing.stderr);
  const fields = listing.stdout.split("\0");
  const tree: Record<string, TreeEntry> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [type, mode, ...rest] = (fields[i] ?? "").split(" ");
    const path = rest.join(" ").replace(/^\.\//, "");
    if (type === "l") tree[path] = { type: "symlink", content: Buffer.from(fields[i + 1] ?? "").toString("base64") };
    else tree[path] = { type: "file", mode: mode ?? "", content: (await workspace.readFile(path)).toString("base64") };
  }
  return tree;
}
