/**
 * One measured "app" process of `npm run bench:tarball`: opens the repository the way the mode
 * says and prints its peak memory as JSON on the last line of stdout.
 *   rest    load the same modules and an Octokit, then idle as long as a download takes (baseline)
 *   stream  baseTarball (the code as it is): streamed to the disk cache, then read from it
 *   memory  the previous baseTarball: the whole response in memory, written to disk, then read
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as delay } from "node:timers/promises";
import { Octokit } from "@octokit/rest";
import { diskCache } from "../../src/cache/index.js";
import { baseTarball } from "../../src/gates/base-tarball.js";

const [mode, baseUrl, restMs] = process.argv.slice(2) as [string, string, string];
const repo = { owner: "acme", repo: "big" };
const sha = "d".repeat(40);
const octokit = new Octokit({ baseUrl, request: { retries: 0 } });

const peak = { rss: 0, heapUsed: 0, arrayBuffers: 0 };
const sample = () => {
  const m = process.memoryUsage();
  peak.rss = Math.max(peak.rss, m.rss);
  peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
  peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
};
const sampler = setInterval(sample, 10);

/** What the runner does with the stream: sends every byte on (to the sandbox's stdin), keeping none. */
async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  await pipeline(stream, new Writable({ write: (chunk: Buffer, _e, cb) => ((bytes += chunk.length), cb()) }));
  return bytes;
}

/** baseTarball as it was before the cache (src/gates/base-tarball.ts at c6bcdd8), the in-memory path. */
async function previousBaseTarball(dir: string): Promise<Readable> {
  const res = await octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", { ...repo, ref: sha });
  const data = res.data as unknown;
  const bytes = data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
  const file = join(dir, "t.tar.gz");
  writeFileSync(`${file}.tmp`, bytes);
  return createReadStream(`${file}.tmp`);
}

const dir = mkdtempSync(join(tmpdir(), "wave-bench-tarball-"));
const started = performance.now();
let bytes = 0;
try {
  if (mode === "rest") await delay(Number(restMs));
  else if (mode === "stream")
    bytes = await drain(await baseTarball(octokit, diskCache({ dir, maxBytes: 4 * 2 ** 30 }), { ...repo, sha, capMb: 1024 }));
  else if (mode === "memory") bytes = await drain(await previousBaseTarball(dir));
  else throw new Error(`unknown mode ${mode}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const ms = performance.now() - started;
sample();
clearInterval(sampler);
// maxRSS is the kernel's own peak (KiB), which a 10 ms sampler could miss.
console.log(JSON.stringify({ mode, ms, bytes, maxRss: process.resourceUsage().maxRSS * 1024, ...peak }));
