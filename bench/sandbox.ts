/**
 * npm run bench:sandbox — the Runner against plain Docker, same image, same run.
 *
 *   create → first output: from nothing to the first command's stdout in hand.
 *     Runner:       createWorkspace (empty tarball, so unpack + baseline commit are near-free) + exec(echo)
 *     plain runsc:  dockerode create + start + exec(echo), runtime runsc, no hardening
 *     docker run:   `docker run --rm --runtime=runsc --network=none <image> echo` through the CLI (reference)
 *   per command: one `echo` in a running sandbox.
 *     Runner:       workspace.exec (process-group wrapper, timeout, output cap, exit code)
 *     plain runsc:  dockerode exec create + start + demux + inspect
 *   Each also with runc for reference. Target: Runner within 1.2× plain runsc.
 *
 * Options: --rounds N (create samples per backend, default 8), --commands N (per-command samples, default 40).
 */
import { execFileSync } from "node:child_process";
import { Readable, Writable } from "node:stream";
import { parseArgs } from "node:util";
import type Docker from "dockerode";
import { createDockerRunner } from "../src/sandbox/docker-runner.js";
import type { Workspace } from "../src/sandbox/runner.js";
import { summary } from "./stats.js";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "8" }, commands: { type: "string", default: "40" } } });
const ROUNDS = Number(values.rounds);
const COMMANDS = Number(values.commands);

const runner = createDockerRunner({ instance: `bench-${process.pid}`, policy: { maxConcurrent: 4 } });
const runcRunner = createDockerRunner({ instance: `bench-${process.pid}`, policy: { maxConcurrent: 4, runtime: "runc" } });
const docker = runner.docker;
const image = runner.policy.image;
const job = { storyId: "bench", jobId: `bench-${process.pid}` };

async function runnerCreate(r: typeof runner): Promise<{ ms: number; ws: Workspace }> {
  const t = performance.now();
  const ws = await r.createWorkspace(job, Readable.from([Buffer.alloc(1024)]));
  const out = await ws.exec(["echo", "first"]);
  if (out.stdout !== "first\n") throw new Error(`unexpected output ${JSON.stringify(out)}`);
  return { ms: performance.now() - t, ws };
}

async function plainExec(container: Docker.Container, argv: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) });
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => stream.on("end", () => resolve()));
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running) break;
  }
  return Buffer.concat(chunks).toString();
}

async function plainCreate(runtime: string): Promise<{ ms: number; container: Docker.Container }> {
  const t = performance.now();
  const container = await docker.createContainer({
    Image: image,
    Cmd: ["/bin/sh", "-c", "while :; do sleep 3600 & wait $!; done"],
    Labels: { "wave.job": job.jobId, "wave.instance": `bench-${process.pid}` },
    HostConfig: { Runtime: runtime, NetworkMode: "none" },
  });
  await container.start();
  const out = await plainExec(container, ["echo", "first"]);
  if (out !== "first\n") throw new Error(`unexpected output ${JSON.stringify(out)}`);
  return { ms: performance.now() - t, container };
}

function cliRun(runtime: string): number {
  const t = performance.now();
  const out = execFileSync("docker", ["run", "--rm", `--runtime=${runtime}`, "--network=none", image, "echo", "first"]).toString();
  if (out !== "first\n") throw new Error(`unexpected output ${out}`);
  return performance.now() - t;
}

async function timeCommands(run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < COMMANDS; i++) {
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return samples;
}

const rows: { name: string; create: number[]; command: number[] }[] = [];

async function benchRunner(name: string, r: typeof runner) {
  const create: number[] = [];
  let last: Workspace | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const { ms, ws } = await runnerCreate(r);
    create.push(ms);
    if (last) await last.destroy();
    last = ws;
  }
  const command = await timeCommands(() => last!.exec(["echo", "hi"]));
  await last?.destroy();
  rows.push({ name, create, command });
}

async function benchPlain(name: string, runtime: string) {
  const create: number[] = [];
  let last: Docker.Container | undefined;
  for (let i = 0; i < ROUNDS; i++) {
    const { ms, container } = await plainCreate(runtime);
    create.push(ms);
    if (last) await last.remove({ force: true });
    last = container;
  }
  const command = await timeCommands(() => plainExec(last!, ["echo", "hi"]));
  await last?.remove({ force: true });
  rows.push({ name, create, command });
}

function benchCli(name: string, runtime: string) {
  const create: number[] = [];
  for (let i = 0; i < ROUNDS; i++) create.push(cliRun(runtime));
  rows.push({ name, create, command: [] });
}

// Interleave nothing: each backend runs its rounds back to back, runsc first while the host is quiet.
await runner.createWorkspace(job, Readable.from([Buffer.alloc(1024)])).then((ws) => ws.destroy()); // warm the image cache
await benchRunner("Runner (runsc, hardened)", runner);
await benchPlain("plain runsc (dockerode)", "runsc");
benchCli("docker run --runtime=runsc (CLI)", "runsc");
await benchRunner("Runner (runc, hardened)", runcRunner);
await benchPlain("plain runc (dockerode)", "runc");
benchCli("docker run --runtime=runc (CLI)", "runc");

const cell = (samples: number[]) => {
  if (samples.length === 0) return "—".padStart(20);
  const s = summary(samples);
  return `${s.p50.toFixed(0)} ms (p99 ${s.p99.toFixed(0)})`.padStart(20);
};
console.log(`\nsandbox benchmark: image ${image}, ${ROUNDS} creates and ${COMMANDS} commands per backend\n`);
console.log(`${"backend".padEnd(34)}${"create → first output".padStart(22)}${"per command".padStart(22)}`);
for (const row of rows) console.log(`${row.name.padEnd(34)}  ${cell(row.create)}  ${cell(row.command)}`);

const p50 = (name: string, key: "create" | "command") => summary(rows.find((r) => r.name === name)?.[key] ?? []).p50;
const ratio = (a: string, b: string, key: "create" | "command") => (p50(a, key) / p50(b, key)).toFixed(2);
console.log("\nratios (median):");
console.log(
  `  Runner / plain runsc, create → first output: ${ratio("Runner (runsc, hardened)", "plain runsc (dockerode)", "create")}×  (target ≤ 1.2×)`,
);
console.log(
  `  Runner / plain runsc, per command:           ${ratio("Runner (runsc, hardened)", "plain runsc (dockerode)", "command")}×  (target ≤ 1.2×)`,
);
console.log(`  plain runsc / plain runc, create:            ${ratio("plain runsc (dockerode)", "plain runc (dockerode)", "create")}×`);
console.log(`  plain runsc / plain runc, per command:       ${ratio("plain runsc (dockerode)", "plain runc (dockerode)", "command")}×`);
