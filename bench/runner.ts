/**
 * `npm run bench:runner`: the actions backend against the local Docker backend, in the same run on
 * the same gVisor host. Per-command round trip (`true`) and create → first output (workspace from
 * the calc-js tarball, then `echo`), each through the Runner port: once the app's own Docker backend,
 * once the app's RunnerHub driving the bundled action (node action/dist/index.js, authenticated by a
 * local OIDC issuer) over loopback HTTP. Then the app's memory per connected runner: K idle
 * sessions long-polling from a separate process, the app's heap and RSS before and after.
 * Options: --rounds N (creates per backend, default 5), --commands N (default 40), --runners K (default 50).
 */
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { basename, dirname } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { actionsTokenVerifier } from "../src/oidc/verify-actions-token.js";
import { RemoteWorkspace } from "../src/runner-actions/remote-workspace.js";
import { RunnerHub } from "../src/runner-actions/runner-hub.js";
import type { RunnerSession } from "../src/runner-actions/runner-session.js";
import { runnerRoutes } from "../src/runner-actions/runner-routes.js";
import { silentLog } from "../src/engine/deps.js";
import { createDockerRunner } from "../src/sandbox/docker-runner.js";
import type { Runner, Workspace } from "../src/sandbox/runner.js";
import { startFakeOidcIssuer } from "../test/support/fake-oidc-issuer.js";
import { runAction } from "../test/support/run-action.js";
import { fmt, summary } from "./stats.js";

const { values } = parseArgs({ options: { rounds: { type: "string" }, commands: { type: "string" }, runners: { type: "string" } } });
const ROUNDS = Number(values.rounds ?? 5);
const COMMANDS = Number(values.commands ?? 40);
const RUNNERS = Number(values.runners ?? 50);
const REPO = "bench/calc";
const REPO_ID = 1;
const WORKFLOW = ".github/workflows/wave-runner.yml";
const fixture = fileURLToPath(new URL("../test/fixtures/repos/calc-js", import.meta.url));
const tarballBytes = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const tarball = () => Readable.from([tarballBytes]);
const claims = { repository: REPO, repository_id: String(REPO_ID), workflow_ref: `${REPO}/${WORKFLOW}@refs/heads/main` };

const issuer = await startFakeOidcIssuer();
let appUrl = "";
const hub = new RunnerHub({ verifier: actionsTokenVerifier({ issuer: issuer.issuer, audience: () => appUrl }), heartbeatMs: 10_000 });
const routes = runnerRoutes(hub, silentLog);
const server = createServer((req, res) => void routes(req, res).then((done) => done || res.writeHead(404).end()));
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const address = server.address();
appUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

const docker = createDockerRunner({ instance: "bench-runner", policy: { maxConcurrent: 4 } });
const storyId = randomUUID();

const connectMs: number[] = [];
async function measure(name: string, runner: Runner, before?: () => Promise<void>) {
  const create: number[] = [];
  const command: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await before?.();
    // For the actions backend the session is open before the clock starts: the moment ActionsRunner has its runner.
    const t0 = performance.now();
    const ws: Workspace = await runner.createWorkspace({ storyId, jobId: `bench-${i}` }, tarball());
    const first = await ws.exec(["echo", "first"]);
    create.push(performance.now() - t0);
    if (first.stdout.trim() !== "first") throw new Error(`${name}: unexpected output ${first.stdout}`);
    if (i === 0)
      for (let c = 0; c < COMMANDS; c++) {
        const t = performance.now();
        await ws.exec(["true"]);
        command.push(performance.now() - t);
      }
    await ws.destroy();
  }
  return { name, create: summary(create), command: summary(command) };
}

/**
 * The actions backend without GitHub: `prepare` does what a dispatch does (the hub expects a one-time job,
 * the bundled action starts as Actions would and opens its session); `createWorkspace` then drives that
 * session exactly as ActionsRunner does once its runner has connected.
 */
function actionsBackend(): Runner & { prepare(): Promise<void> } {
  let session: RunnerSession | undefined;
  return {
    prepare: async () => {
      const jobId = randomUUID();
      const waiting = hub.expect({ jobId, storyId, repositoryId: REPO_ID, repository: REPO, workflow: WORKFLOW });
      const t0 = performance.now();
      runAction({ repository: REPO, runId: 1, payload: { job_id: jobId, app_url: appUrl }, oidc: issuer.job({ claims }) });
      session = await waiting.connected;
      connectMs.push(performance.now() - t0);
    },
    createWorkspace: async (spec, stream) => {
      const s = session;
      if (!s) throw new Error("no session prepared");
      session = undefined;
      const id = await s.call<string>({ op: "create", spec: { storyId: spec.storyId, jobId: spec.jobId }, tarball: s.offer(stream) });
      return new RemoteWorkspace(id, s, () => undefined);
    },
  };
}

const dockerRow = await measure("local Docker backend", docker);
const backend = actionsBackend();
const actionsRow = await measure("actions backend (bundled action)", backend, () => backend.prepare());

const cell = (s: { p50: number; p99: number }) => `${fmt(s.p50)} p50 ${fmt(s.p99)} p99`.padStart(24);
console.log(
  `\nrunner benchmark: ${ROUNDS} creates and ${COMMANDS} commands per backend, gVisor on this host, app ↔ runner over loopback HTTP\n`,
);
console.log(`${"backend".padEnd(36)}${"create → first output".padStart(24)}${"per command".padStart(26)}`);
for (const row of [dockerRow, actionsRow]) console.log(`${row.name.padEnd(36)}${cell(row.create)}  ${cell(row.command)}`);
const connect = summary(connectMs);
console.log(
  `\naction start → session open (node + docker info + image check + OIDC + verify): ${fmt(connect.p50)} p50 (not in the ratios: on GitHub the runner's queue time dominates)`,
);
console.log("\nratios (median, actions / docker):");
console.log(`  create → first output: ${(actionsRow.create.p50 / dockerRow.create.p50).toFixed(2)}×  (target ≤ 1.3×)`);
console.log(`  per command:           ${(actionsRow.command.p50 / dockerRow.command.p50).toFixed(2)}×  (target ≤ 1.3×)`);

// Memory per connected runner: K idle sessions long-polling from another process.
const tokens: { job: string; token: string }[] = [];
for (let i = 0; i < RUNNERS; i++) {
  const job = randomUUID();
  hub.expect({ jobId: job, storyId, repositoryId: REPO_ID, repository: REPO, workflow: WORKFLOW });
  tokens.push({ job, token: await issuer.mint({ claims, audience: appUrl }) });
}
const gc = (globalThis as { gc?: () => void }).gc;
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
};
await settle();
const before = process.memoryUsage();
const clientScript = `
const [base, list] = [process.argv[1], JSON.parse(process.argv[2])];
let open = 0;
for (const { job, token } of list) {
  (async () => {
    const r = await fetch(base + "/wave/runner/sessions", { method: "POST", headers: { authorization: "Bearer " + token, "content-type": "application/json" }, body: JSON.stringify({ job_id: job }) });
    const s = await r.json();
    if (++open === list.length) console.log("open");
    for (;;) { const n = await fetch(base + "/wave/runner/sessions/" + s.session_id + "/next", { headers: { authorization: "Bearer " + s.session_secret } }); await n.arrayBuffer(); }
  })();
}`;
const clients = spawn(process.execPath, ["-e", clientScript, appUrl, JSON.stringify(tokens)], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise<void>((r) => clients.stdout.on("data", (d: Buffer) => d.toString().includes("open") && r()));
await settle();
const after = process.memoryUsage();
console.log(
  `\napp memory per connected runner (${hub.connectedCount} idle sessions, long-polling): heap ${((after.heapUsed - before.heapUsed) / 1024 / RUNNERS).toFixed(1)} KiB, RSS ${((after.rss - before.rss) / 1024 / RUNNERS).toFixed(1)} KiB${gc ? "" : " (run with --expose-gc for steadier figures)"}`,
);
clients.kill("SIGKILL");
hub.close();
server.closeAllConnections();
server.close();
await issuer.close();
process.exit(0);
