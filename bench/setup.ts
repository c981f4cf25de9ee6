/**
 * npm run bench:setup — the setup phase on the greet-js fixture (real locked packages from a local
 * verdaccio), same run, same host.
 *
 *   cold vs warm: from "this gate needs dependencies" to "they are in the agent's sandbox".
 *     cold: read the lockfiles from the tarball, detect, key, miss → setup sandbox, install through
 *           the egress proxy, pack, store, then restore into the agent's sandbox.
 *     warm: the same with the key found in the cache → restore only.
 *     The agent's sandbox itself is created in both and not counted. Target: warm ≤ 10 % of cold.
 *   proxy overhead: one download of a --mb MiB file from a loopback upstream,
 *     direct (the app fetching it) vs through the egress proxy (same client, via its socket),
 *     and from inside a setup sandbox through the forwarder, the docker exec stream and the proxy.
 *
 * Options: --rounds N (default 3), --mb N (default 32).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { startEgressProxy } from "../src/egress/egress-proxy.js";
import { FORWARDER_PORT, FORWARDER_READY, FORWARDER_SCRIPT } from "../src/egress/forwarder-script.js";
import { bridgeToProxy } from "../src/egress/stdio-bridge.js";
import { createDockerRunner } from "../src/sandbox/docker-runner.js";
import type { Workspace } from "../src/sandbox/runner.js";
import { diskCache, type DiskCache } from "../src/cache/index.js";
import { detectSetup } from "../src/sandbox/setup/detect-setup.js";
import { DEPENDENCY_FILES } from "../src/sandbox/setup/ecosystems.js";
import { installDependencies } from "../src/sandbox/setup/install-dependencies.js";
import { restoreDependencies } from "../src/sandbox/setup/restore-dependencies.js";
import { readRootFiles } from "../src/sandbox/setup/root-files.js";
import { setupKey } from "../src/sandbox/setup/setup-key.js";
import { startLocalRegistry } from "../test/support/local-registry.js";
import { summary } from "./stats.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" }, mb: { type: "string", default: "32" } } });
const ROUNDS = Number(values.rounds);
const MB = Number(values.mb);

const fixture = new URL("../test/fixtures/repos/greet-js", import.meta.url).pathname;
const tarballBytes = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const tarball = () => Readable.from([tarballBytes]);
const runner = createDockerRunner({ instance: `bench-${process.pid}`, policy: { maxConcurrent: 4 } });
const job = { storyId: "bench-setup", jobId: `bench-${process.pid}` };
const registry = await startLocalRegistry();
const imageId = (await runner.docker.getImage(runner.policy.image).inspect()).Id;
const auth = { [registry.host]: registry.authorization };

/** One gate's dependency step; returns its duration and whether the cache answered. */
async function dependencies(cache: DiskCache, agent: Workspace): Promise<{ ms: number; hit: boolean }> {
  const t = performance.now();
  const { names, contents } = await readRootFiles(tarball(), (n) => DEPENDENCY_FILES.has(n));
  const plan = detectSetup(names, { setupCommand: null, scriptPackages: [], registries: [{ name: "npm", url: registry.url }] });
  if (!plan) throw new Error("greet-js should need a setup");
  const key = setupKey(plan, contents, imageId);
  let archive = await cache.open(key);
  const hit = archive !== null;
  if (!archive) {
    await cache.put(key, async (tmp) => {
      const ws = await runner.createWorkspace(job, tarball());
      try {
        const outcome = await installDependencies(ws, plan, tmp, { timeoutMs: 300_000, auth });
        if (outcome.exitCode !== 0) throw new Error(`setup failed: ${outcome.logTail}`);
      } finally {
        await ws.destroy();
      }
    });
    archive = await cache.open(key);
    if (!archive) throw new Error("the entry was evicted at once");
  }
  await restoreDependencies(agent, archive, plan.installed);
  const ms = performance.now() - t;
  const check = await agent.exec(["node", "-e", "require('wave-fx-shout')"]);
  if (check.exitCode !== 0) throw new Error(`dependencies missing after setup: ${check.stderr}`);
  return { ms, hit };
}

const cold: number[] = [];
const warm: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const dir = mkdtempSync(join(tmpdir(), "wave-bench-deps-"));
  const cache = diskCache({ dir, maxBytes: 512 * 1024 * 1024 });
  for (const [samples, expectHit] of [
    [cold, false],
    [warm, true],
  ] as const) {
    const agent = await runner.createWorkspace(job, tarball());
    try {
      const r = await dependencies(cache, agent);
      if (r.hit !== expectHit) throw new Error(`expected a cache ${expectHit ? "hit" : "miss"}`);
      samples.push(r.ms);
    } finally {
      await agent.destroy();
    }
  }
  rmSync(dir, { recursive: true, force: true });
}

// Proxy overhead: one large download, direct vs through the proxy vs from a sandbox through the whole channel.
const blob = Buffer.alloc(MB * 1024 * 1024, 7);
const upstream = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": blob.length });
  res.end(blob);
});
await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", () => r()));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as { port: number }).port}`;
const proxy = await startEgressProxy({ registries: { blob: upstreamUrl } });
const download = (options: { socketPath?: string; host?: string; port?: number; path: string }) =>
  new Promise<number>((resolve, reject) => {
    const t = performance.now();
    request({ ...options, method: "GET" }, (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => (n += c.length));
      res.on("end", () => (n === blob.length ? resolve(performance.now() - t) : reject(new Error(`got ${n} bytes`))));
    })
      .on("error", reject)
      .end();
  });
const direct: number[] = [];
const viaProxy: number[] = [];
const port = (upstream.address() as { port: number }).port;
for (let i = 0; i < ROUNDS * 3; i++) {
  direct.push(await download({ host: "127.0.0.1", port, path: "/blob" }));
  viaProxy.push(await download({ socketPath: proxy.socketPath, path: "/r/blob/blob" }));
}
const sandboxed: number[] = [];
const ws = await runner.createWorkspace(job, tarball());
try {
  if (!ws.openStream) throw new Error("no stream channel");
  const forwarder = await ws.openStream(["node", "-e", FORWARDER_SCRIPT, String(FORWARDER_PORT)]);
  const cut = bridgeToProxy(forwarder, proxy.socketPath);
  await new Promise<void>((resolve) => forwarder.stderr.on("data", (c: Buffer) => String(c).includes(FORWARDER_READY) && resolve()));
  const script = `const t=performance.now();require("http").get("http://127.0.0.1:${FORWARDER_PORT}/r/blob/blob",r=>{let n=0;r.on("data",c=>n+=c.length);r.on("end",()=>console.log(n===${blob.length}?performance.now()-t:-1))})`;
  for (let i = 0; i < ROUNDS; i++) {
    const out = await ws.exec(["node", "-e", script], { timeoutMs: 300_000 });
    const ms = Number(out.stdout.trim());
    if (!(ms > 0)) throw new Error(`sandbox download failed: ${out.stdout} ${out.stderr}`);
    sandboxed.push(ms);
  }
  cut();
  forwarder.close();
} finally {
  await ws.destroy();
  await proxy.close();
  upstream.close();
  await registry.close();
}

const c = summary(cold);
const w = summary(warm);
const d = summary(direct);
const p = summary(viaProxy);
const s = summary(sandboxed);
const row = (name: string, x: ReturnType<typeof summary>, base: ReturnType<typeof summary>) =>
  `  ${name.padEnd(34)} p50 ${x.p50.toFixed(0).padStart(6)} ms  mean ${x.mean.toFixed(0).padStart(6)} ms  ${(x.p50 / base.p50).toFixed(3)}× baseline (n=${x.n})`;
console.log(`setup phase on greet-js (3 locked packages, private verdaccio), ${ROUNDS} round(s):`);
console.log(row("cold (install through the proxy)", c, c));
console.log(row("warm (cache hit, restore only)", w, c));
console.log(`  warm / cold = ${((w.p50 / c.p50) * 100).toFixed(1)} % (target ≤ 10 %) ${w.p50 / c.p50 <= 0.1 ? "✓" : "✗"}`);
console.log(`download of ${MB} MiB from a loopback upstream:`);
console.log(row("direct (app → upstream)", d, d));
console.log(row("egress proxy (app → proxy → upstream)", p, d));
console.log(row("sandbox → forwarder → exec → proxy", s, d));
console.log(
  `  proxy overhead = ${(p.p50 / d.p50).toFixed(2)}× direct; whole channel from the sandbox = ${(s.p50 / d.p50).toFixed(2)}× direct`,
);
