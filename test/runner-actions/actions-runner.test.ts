import { execFileSync } from "node:child_process";
import { basename, dirname } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Octokit } from "@octokit/rest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema.js";
import { SandboxHold, SandboxUnavailable } from "../../src/errors.js";
import { actionsTokenVerifier } from "../../src/oidc/verify-actions-token.js";
import { createActionsRunner } from "../../src/runner-actions/actions-runner.js";
import { hubAuditor } from "../../src/runner-actions/actions-backend.js";
import { RunnerHub } from "../../src/runner-actions/runner-hub.js";
import { runnerRoutes } from "../../src/runner-actions/runner-routes.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { stopStorySandboxes } from "../../src/sandbox/story-sandboxes.js";
import { createPool, withTransaction, type Pool } from "../../src/store/db.js";
import { insertStory } from "../../src/store/stories.js";
import { startStory } from "../../src/story/transition.js";
import { silentLog } from "../../src/engine/deps.js";
import { freshDatabase } from "../support/db.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { startFakeOidcIssuer, type FakeOidcIssuer } from "../support/fake-oidc-issuer.js";
import { runAction, RUNNER_GITHUB_TOKEN, type ActionRun } from "../support/run-action.js";
import { createServer, type Server } from "node:http";

const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const tarball = () => Readable.from([execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)])]);
const REPO_ID = 5151;

let db: { url: string; drop: () => Promise<void> };
let pool: Pool;
let github: FakeGitHub;
let issuer: FakeOidcIssuer;
let hub: RunnerHub;
let server: Server;
let appUrl = "";
let storyId = "";
const runs: ActionRun[] = [];
/** Start the action for each dispatch (off: nobody picks the job up). */
let startRunners = true;
const docker = createDockerRunner({ instance: "actions-runner-test" });

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool(db.url);
  github = await startFakeGitHub();
  issuer = await startFakeOidcIssuer();
  hub = new RunnerHub({
    verifier: actionsTokenVerifier({ issuer: issuer.issuer, audience: () => appUrl }),
    heartbeatMs: 500,
    onEvent: hubAuditor({ pool, log: silentLog }),
  });
  const routes = runnerRoutes(hub, silentLog);
  server = createServer((req, res) => void routes(req, res).then((done) => done || res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  appUrl = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  const inserted = await withTransaction(pool, (tx) =>
    insertStory(tx, {
      installationId: 9,
      repoId: REPO_ID,
      owner: "octo-org",
      repo: "calc",
      issueNumber: 1,
      startedBy: "someone",
      story: { title: "t", body: "", acceptanceCriteria: [], domains: [], issueNumber: 1, url: "" },
      config: defaultConfig(),
      gate: "build",
      status: "active",
      snapshot: startStory({ startedBy: "someone", maxRecycles: 1, requirePlanApproval: false }).snapshot,
    }),
  );
  storyId = String(inserted?.id);
  github.onDispatch = (d) => {
    if (!startRunners) return;
    const payload = d.client_payload as { job_id: string; app_url: string };
    const oidc = issuer.job({
      claims: {
        repository: d.repository,
        repository_id: String(REPO_ID),
        workflow_ref: `${d.repository}/.github/workflows/wave-runner.yml@refs/heads/main`,
      },
    });
    runs.push(runAction({ repository: d.repository, runId: 700 + runs.length, payload, oidc }));
  };
});
afterAll(async () => {
  for (const r of runs) if (r.child.exitCode === null) r.child.kill("SIGKILL");
  if (storyId) await stopStorySandboxes(docker.docker, storyId).catch(() => undefined);
  hub?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await github?.close();
  await issuer?.close();
  await pool?.end();
  await db?.drop();
});

const runner = () =>
  createActionsRunner({
    pool,
    github: { forInstallation: async () => new Octokit({ baseUrl: github.url, auth: "ghs_app_installation" }) },
    hub,
    appUrl: () => appUrl,
    webUrl: "https://github.example",
    log: silentLog,
  });
const audit = async () =>
  (await pool.query(`SELECT event, detail FROM audit_events WHERE story_id = $1 ORDER BY id`, [storyId])).rows as {
    event: string;
    detail: Record<string, unknown>;
  }[];

describe("the actions backend of the Runner port", () => {
  it(
    "runs commands, files and the change export on the runner's gVisor sandbox, and the runner's tokens never enter it",
    { timeout: 120_000 },
    async () => {
      startRunners = true;
      const ws = await runner().createWorkspace(
        { storyId, jobId: "gate-job-1", limits: { ...defaultConfig().sandbox, backend: "actions" } },
        tarball(),
      );
      try {
        const env = await ws.exec(["env"]);
        expect(env.exitCode).toBe(0);
        const run = runs.at(-1);
        expect(run).toBeDefined();
        const oidc = issuer.issued.at(-1) ?? "no token issued";
        for (const secret of [RUNNER_GITHUB_TOKEN, oidc, "ACTIONS_ID_TOKEN_REQUEST", "GITHUB_TOKEN", "req-"])
          expect(env.stdout).not.toContain(secret);
        // The sandbox is the Docker backend's: gVisor's kernel, no network.
        const kernel = await ws.exec([
          "sh",
          "-c",
          "dmesg 2>/dev/null | head -1; cat /sys/class/net/*/operstate 2>/dev/null | tr '\\n' ' '",
        ]);
        expect(kernel.stdout).toMatch(/gVisor/);
        const stdin = await ws.exec(["cat"], { stdin: Buffer.from([0, 1, 2, 255]) });
        expect(Buffer.from(stdin.stdout, "latin1").length).toBeGreaterThan(0);
        const timed = await ws.exec(["sleep", "30"], { timeoutMs: 500 });
        expect(timed).toMatchObject({ timedOut: true, exitCode: 124 });
        const capped = await ws.exec(["sh", "-c", "head -c 100000 /dev/zero | tr '\\0' a"], { outputLimitBytes: 1000 });
        expect(capped.truncated).toBe(true);
        expect((await ws.readFile("src/calc.js")).toString()).toContain("return a - b;");
        await ws.writeFile("src/calc.js", "export const add = (a, b) => a + b;\n");
        await ws.writeFile("bin/run.sh", "#!/bin/sh\necho hi\n", { mode: 0o755 });
        await expect(ws.readFile("../../etc/passwd")).rejects.toThrow();
        const change = await ws.exportChange();
        expect(change.files.map((f) => [f.path, f.status, f.mode]).sort()).toEqual([
          ["bin/run.sh", "added", "100755"],
          ["src/calc.js", "modified", "100644"],
        ]);
        expect(change.files.find((f) => f.path === "src/calc.js")?.content?.toString()).toBe("export const add = (a, b) => a + b;\n");
        expect(change.patch).toContain("+export const add = (a, b) => a + b;");
        // The setup phase's stream channel: stdin in, stdout and stderr out as streams, the exit code after.
        const stream = await ws.openStream?.(["sh", "-c", "tr a-z A-Z; echo done >&2; exit 3"]);
        if (!stream) throw new Error("the actions workspace has no stream channel");
        const read = (s: NodeJS.ReadableStream) =>
          new Promise<string>((resolve, reject) => {
            let text = "";
            s.on("data", (d: Buffer) => (text += d.toString()));
            s.on("end", () => resolve(text));
            s.on("error", reject);
          });
        const [out, err] = [read(stream.stdout), read(stream.stderr)];
        stream.stdin.write("through the runner\n");
        stream.stdin.end();
        expect(await out).toBe("THROUGH THE RUNNER\n");
        expect(await err).toBe("done\n");
        expect(await stream.exit).toBe(3);
      } finally {
        await ws.destroy();
      }
      const run = runs.at(-1);
      expect(await run?.exited).toBe(0);
      const events = (await audit()).map((e) => e.event);
      expect(events).toEqual(["RUNNER_DISPATCHED", "RUNNER_CONNECTED"]);
      expect(github.dispatches.at(-1)).toMatchObject({
        repository: "octo-org/calc",
        event_type: "wave-runner",
        client_payload: { app_url: appUrl },
      });
    },
  );

  it("holds with the workflow to check and a link when no runner picks the job up", { timeout: 60_000 }, async () => {
    startRunners = false;
    const limits = { ...defaultConfig().sandbox, backend: "actions" as const, actions_connect_seconds: 1 };
    const error = await runner()
      .createWorkspace({ storyId, jobId: "gate-job-2", limits }, tarball())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxHold);
    expect((error as Error).message).toMatch(
      /^No runner picked up job [0-9a-f-]{36} within 1 s — is `\.github\/workflows\/wave-runner\.yml` on the default branch\? https:\/\/github\.example\/octo-org\/calc\/actions$/,
    );
    expect((await audit()).map((e) => e.event).slice(-2)).toEqual(["RUNNER_DISPATCHED", "RUNNER_NEVER_CONNECTED"]);
    // The job id is spent: a runner arriving late is refused.
    const late = github.dispatches.at(-1)?.client_payload as { job_id: string; app_url: string };
    const oidc = issuer.job({
      claims: {
        repository: "octo-org/calc",
        repository_id: String(REPO_ID),
        workflow_ref: "octo-org/calc/.github/workflows/wave-runner.yml@refs/heads/main",
      },
    });
    const run = runAction({ repository: "octo-org/calc", runId: 801, payload: late, oidc });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`Job ${late.job_id} already had its runner (the app stopped waiting for it)`);
  });

  it(
    "notices a killed runner by its missed heartbeats, fails its calls, and holds once the retries are spent",
    { timeout: 120_000 },
    async () => {
      startRunners = true;
      const limits = { ...defaultConfig().sandbox, backend: "actions" as const, actions_retries: 1 };
      for (let attempt = 0; attempt < 2; attempt++) {
        const ws = await runner().createWorkspace({ storyId, jobId: "gate-job-3", limits }, tarball());
        const run = runs.at(-1);
        run?.child.kill("SIGKILL");
        const started = Date.now();
        const error = await ws.exec(["true"]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SandboxUnavailable);
        expect((error as Error).message).toMatch(/stopped answering: no heartbeat for \d+ s/);
        // Three heartbeats of 500 ms, checked every 250 ms: well within the 60 s the issue allows.
        expect(Date.now() - started).toBeLessThan(10_000);
        await ws.destroy();
        await stopStorySandboxes(docker.docker, storyId);
      }
      const lost = (await audit()).filter((e) => e.event === "RUNNER_LOST");
      expect(lost).toHaveLength(2);
      const error = await runner()
        .createWorkspace({ storyId, jobId: "gate-job-3", limits }, tarball())
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SandboxHold);
      expect((error as Error).message).toMatch(
        /^The Actions runner was lost 2 times for this gate \(last: .*stopped answering.*\); sandbox.actions_retries allows 1 retries\.$/,
      );
    },
  );
});
