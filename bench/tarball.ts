/**
 * npm run bench:tarball — the app's peak memory while opening a large repository.
 *
 * A generated repository tarball (random file contents, so gzip cannot shrink it; default 500 MB)
 * is served by a loopback fake of GitHub's tarball endpoint, chunked as codeload sends it. Three
 * separate app processes, same run, same server:
 *   at rest   the modules and an Octokit loaded, idle for as long as the streamed download took
 *   streamed  baseTarball as it is: to the disk cache, then read back to a sink (as the runner feeds a sandbox)
 *   in memory baseTarball as it was: the whole response in memory, then to disk, then read back
 * Figures: peak RSS (the kernel's) and peak V8 heap, each also as a ratio to the process at rest,
 * and peak ArrayBuffer memory (where Buffers live; near zero at rest, so shown in MB only).
 *
 * Options: --mb N (tarball size, default 500), --rounds N (default 1; the figure is the max over rounds).
 */
import { spawn } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, renameSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { createGzip, constants } from "node:zlib";
import { randomBytes } from "node:crypto";
import { pack } from "tar-stream";

const { values } = parseArgs({ options: { mb: { type: "string", default: "500" }, rounds: { type: "string", default: "1" } } });
const MB = Number(values.mb);
const ROUNDS = Number(values.rounds);
const FILE_BYTES = 256 * 1024;

/** A repository tarball of about `mb` MB: a top folder with source-like paths holding random bytes. Kept between runs. */
async function generatedTarball(mb: number): Promise<string> {
  const file = join(tmpdir(), `wave-bench-repo-${mb}mb.tar.gz`);
  if (existsSync(file)) return file;
  const files = Math.ceil((mb * 1e6) / FILE_BYTES);
  console.log(`generating a ${mb} MB repository tarball (${files} files) at ${file} …`);
  const tar = pack();
  const writing = pipeline(tar, createGzip({ level: constants.Z_BEST_SPEED }), createWriteStream(`${file}.tmp`));
  for (let i = 0; i < files; i++) {
    const name = `acme-big-ddddddd/src/module-${Math.floor(i / 100)}/file-${i}.bin`;
    await new Promise<void>((resolve, reject) =>
      tar.entry({ name, size: FILE_BYTES }, randomBytes(FILE_BYTES), (e) => (e ? reject(e) : resolve())),
    );
  }
  tar.finalize();
  await writing;
  renameSync(`${file}.tmp`, file);
  return file;
}

interface Result {
  mode: string;
  ms: number;
  bytes: number;
  maxRss: number;
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
}

function runChild(mode: string, baseUrl: string, restMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "bench/support/tarball-child.ts", mode, baseUrl, String(Math.round(restMs))],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${mode} exited ${code}: ${out}`));
      resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}") as Result);
    });
  });
}

const tarball = await generatedTarball(MB);
const size = statSync(tarball).size;
const server = createServer((req, res) => {
  if (!/^\/repos\/[^/]+\/[^/]+\/tarball\/[0-9a-f]{40}$/.test(req.url ?? "")) {
    res.writeHead(404).end();
    return;
  }
  // Chunked, no length: like codeload, so the cap is enforced on the stream itself.
  res.writeHead(200, { "content-type": "application/x-gzip" });
  Readable.from(createReadStream(tarball)).pipe(res);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

const worst = new Map<string, Result>();
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of ["stream", "rest", "memory"]) {
    const r = await runChild(mode, baseUrl, worst.get("stream")?.ms ?? 1000);
    if (mode !== "rest" && r.bytes !== size) throw new Error(`${mode} read ${r.bytes} bytes of ${size}`);
    const prev = worst.get(mode);
    if (!prev || r.maxRss > prev.maxRss) worst.set(mode, r);
  }
}
server.close();

const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
const rest = worst.get("rest")!;
const cell = (v: number, base: number) => `${mb(v).padStart(8)} ${`${(v / base).toFixed(2)}×`.padStart(7)}`;
console.log(
  `\nopening a ${(size / 1e6).toFixed(1)} MB repository tarball from a loopback GitHub (max over ${ROUNDS} round(s)); ratios against the app at rest`,
);
console.log(`${"".padEnd(22)}${"peak RSS".padStart(16)}${"peak heap".padStart(16)}${"peak buffers".padStart(14)}${"time".padStart(10)}`);
for (const [label, mode] of [
  ["at rest (baseline)", "rest"],
  ["streamed (now)", "stream"],
  ["in memory (before)", "memory"],
] as const) {
  const r = worst.get(mode)!;
  console.log(
    `${label.padEnd(22)}${cell(r.maxRss, rest.maxRss).padStart(16)}${cell(r.heapUsed, rest.heapUsed).padStart(16)}${mb(r.arrayBuffers).padStart(14)}${(mode === "rest" ? "—" : `${(r.ms / 1000).toFixed(1)} s`).padStart(10)}`,
  );
}
const s = worst.get("stream")!;
const m = worst.get("memory")!;
console.log(
  `\nstreamed: peak RSS ${mb(s.maxRss - rest.maxRss)} above rest for a ${mb(size)} repository (${(((s.maxRss - rest.maxRss) / size) * 100).toFixed(1)} % of its size); in memory: ${mb(m.maxRss - rest.maxRss)} above rest (${(((m.maxRss - rest.maxRss) / size) * 100).toFixed(0)} %).`,
);
