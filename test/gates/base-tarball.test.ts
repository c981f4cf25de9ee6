import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { Octokit } from "@octokit/rest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { diskCache, type DiskCache } from "../../src/cache/index.js";
import { RepositoryTooLarge } from "../../src/errors.js";
import { baseTarball } from "../../src/gates/base-tarball.js";
import { cacheMaxBytes, tarballCache } from "../../src/gates/tarball-cache.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";

const MiB = 1_048_576;
const SHA = "c".repeat(40);
let github: FakeGitHub;
let octokit: Octokit;
let dir: string;
let cache: DiskCache;

beforeAll(async () => {
  github = await startFakeGitHub();
  octokit = new Octokit({ baseUrl: `${github.url}/api/v3`, request: { retries: 0 } });
});
afterAll(async () => {
  await github.close();
  expect(github.undocumented).toEqual([]);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wave-base-tarball-"));
  cache = diskCache({ dir, maxBytes: 256 * MiB });
  github.requests.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
};
const downloads = () => github.requests.filter((r) => r.path.includes("/tarball/")).length;
const kept = () => ({ entries: readdirSync(join(dir, "entries")), tmp: readdirSync(join(dir, "tmp")) });
const source = (repo: string, capMb = 64) => ({ owner: "acme", repo, sha: SHA, capMb });

/** A chunked tarball of `total` random bytes that counts how much the server was asked for. */
function counted(total: number, options: { failAfter?: number } = {}) {
  const state = { sent: 0 };
  const make = () =>
    Readable.from(
      (async function* () {
        state.sent = 0;
        while (state.sent < total) {
          if (options.failAfter !== undefined && state.sent >= options.failAfter) throw new Error("connection lost");
          const chunk = randomBytes(Math.min(64 * 1024, total - state.sent));
          state.sent += chunk.length;
          yield chunk;
        }
      })(),
    );
  return { state, make };
}

describe("base tarball", () => {
  it("streams the commit's tarball into the cache once, for every later gate and every replica on the host", async () => {
    const bytes = randomBytes(3 * MiB);
    github.repos.set("acme/app", { branch: "main", sha: SHA, tarball: bytes });
    expect((await read(await baseTarball(octokit, cache, source("app")))).equals(bytes)).toBe(true);
    expect((await read(await baseTarball(octokit, cache, source("app")))).equals(bytes)).toBe(true);
    const replica = diskCache({ dir, maxBytes: 256 * MiB });
    expect((await read(await baseTarball(octokit, replica, source("app")))).equals(bytes)).toBe(true);
    expect(downloads()).toBe(1);
  });

  it("keeps one entry per repository, even for the same commit id", async () => {
    github.repos.set("acme/one", { branch: "main", sha: SHA, tarball: Buffer.from("one") });
    github.repos.set("acme/two", { branch: "main", sha: SHA, tarball: Buffer.from("two") });
    expect((await read(await baseTarball(octokit, cache, source("one")))).toString()).toBe("one");
    expect((await read(await baseTarball(octokit, cache, source("two")))).toString()).toBe("two");
    expect(kept().entries).toHaveLength(2);
  });

  it("refuses a tarball GitHub declares over the cap, naming its size and the key, and keeps nothing", async () => {
    github.repos.set("acme/big", { branch: "main", sha: SHA, tarball: randomBytes(2 * MiB) });
    const error = await baseTarball(octokit, cache, source("big", 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryTooLarge);
    expect((error as Error).message).toBe(`The tarball of acme/big at ccccccc is 2.0 MB, over the 1 MB cap set by \`sandbox.tarball_mb\`.`);
    expect(kept()).toEqual({ entries: [], tmp: [] });
  });

  it("stops a chunked download as soon as it passes the cap, without reading the rest", async () => {
    const tarball = counted(64 * MiB);
    github.repos.set("acme/huge", { branch: "main", sha: SHA, tarball: tarball.make });
    const error = await baseTarball(octokit, cache, source("huge", 2)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryTooLarge);
    expect((error as Error).message).toMatch(
      /^The tarball of acme\/huge at ccccccc is more than 2\.\d MB, over the 2 MB cap set by `sandbox\.tarball_mb`\.$/,
    );
    expect((error as RepositoryTooLarge).bytes).toBeGreaterThan(2 * MiB);
    // Socket buffers hold a few MiB at most; reading the whole body first would have pulled all 64.
    expect(tarball.state.sent).toBeLessThan(32 * MiB);
    expect(kept()).toEqual({ entries: [], tmp: [] });
  });

  it("keeps nothing of a download cut off midway, and downloads whole next time", async () => {
    const broken = counted(4 * MiB, { failAfter: MiB });
    github.repos.set("acme/flaky", { branch: "main", sha: SHA, tarball: broken.make });
    await expect(baseTarball(octokit, cache, source("flaky"))).rejects.toThrow();
    expect(kept()).toEqual({ entries: [], tmp: [] });
    const whole = counted(4 * MiB);
    github.repos.set("acme/flaky", { branch: "main", sha: SHA, tarball: whole.make });
    expect((await read(await baseTarball(octokit, cache, source("flaky")))).length).toBe(4 * MiB);
  });
});

describe("the host's tarball cache", () => {
  it("is bounded by WAVE_CACHE_MAX_MB (8 GiB unset) and refuses a value that is not a whole number of MiB", () => {
    expect(cacheMaxBytes({})).toBe(8192 * MiB);
    expect(cacheMaxBytes({ WAVE_CACHE_MAX_MB: " 64 " })).toBe(64 * MiB);
    for (const bad of ["0", "-1", "1.5", "64MB", "lots"])
      expect(() => cacheMaxBytes({ WAVE_CACHE_MAX_MB: bad })).toThrow(/^WAVE_CACHE_MAX_MB must be a whole number of MiB/);
  });

  it("is one cache per directory in a process, so concurrent gates share one download", async () => {
    const bytes = randomBytes(MiB);
    github.repos.set("acme/shared", { branch: "main", sha: SHA, tarball: bytes });
    const env = { WAVE_CACHE_MAX_MB: "16" };
    expect(tarballCache(dir, env)).toBe(tarballCache(dir, env));
    const reads = await Promise.all([1, 2, 3].map(async () => read(await baseTarball(octokit, tarballCache(dir, env), source("shared")))));
    for (const r of reads) expect(r.equals(bytes)).toBe(true);
    expect(downloads()).toBe(1);
    expect(readdirSync(join(dir, "tarballs", "entries"))).toHaveLength(1);
  });
});
