import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionsTokenVerifier, RunnerTokenRefused } from "../../src/oidc/verify-actions-token.js";
import { RunnerHub } from "../../src/runner-actions/runner-hub.js";
import { runnerRoutes } from "../../src/runner-actions/runner-routes.js";
import { startFakeOidcIssuer, type FakeOidcIssuer, type MintOptions } from "../support/fake-oidc-issuer.js";
import { runAction } from "../support/run-action.js";

const REPO = "wave-test/calc";
const REPO_ID = 4242;
const WORKFLOW = ".github/workflows/wave-runner.yml";
const good = { repository: REPO, repository_id: String(REPO_ID), workflow_ref: `${REPO}/${WORKFLOW}@refs/heads/main` };

let issuer: FakeOidcIssuer;
let hub: RunnerHub;
let server: Server;
let appUrl: string;
const appLog: string[] = [];

beforeAll(async () => {
  issuer = await startFakeOidcIssuer();
  const log = {
    info: () => undefined,
    debug: () => undefined,
    error: (_o: unknown, m?: string) => void appLog.push(String(m)),
    warn: (_o: unknown, m?: string) => void appLog.push(String(m)),
  };
  server = createServer((req, res) => void routes(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const a = server.address();
  appUrl = `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}`;
  hub = new RunnerHub({ verifier: actionsTokenVerifier({ issuer: issuer.issuer, audience: appUrl }), heartbeatMs: 5_000 });
  const handle = runnerRoutes(hub, log);
  const routes = async (req: Parameters<typeof handle>[0], res: Parameters<typeof handle>[1]) => {
    if (!(await handle(req, res))) res.writeHead(404).end();
  };
});
afterAll(async () => {
  hub?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await issuer?.close();
});

const expectJob = () => {
  const jobId = randomUUID();
  const waiting = hub.expect({ jobId, storyId: randomUUID(), repositoryId: REPO_ID, repository: REPO, workflow: WORKFLOW });
  return { jobId, waiting };
};

/** Runs the bundled action for `jobId` with a token the fake issuer makes as told; the app's log lines it caused. */
async function attempt(jobId: string, mint: Omit<MintOptions, "audience"> & { fixedToken?: string }, serveUntilDestroy?: Promise<unknown>) {
  const before = appLog.length;
  const run = runAction({ repository: REPO, runId: 77, payload: { job_id: jobId, app_url: appUrl }, oidc: issuer.job(mint) });
  if (serveUntilDestroy) await serveUntilDestroy;
  const code = await run.exited;
  return { code, output: run.output(), log: appLog.slice(before).join("\n") };
}

/** Serves a connected job: once its runner opens the session, the app destroys the (empty) workspace and the action ends. */
async function serveAndEnd(waiting: ReturnType<typeof expectJob>["waiting"]) {
  const session = await waiting.connected;
  await session.call({ op: "destroy" });
  return session;
}

describe("the runner's OIDC token, through the bundled action against the app's routes", () => {
  it("a genuine token opens the session, binds the run and the action ends cleanly", { timeout: 60_000 }, async () => {
    const { jobId, waiting } = expectJob();
    const r = await attempt(jobId, { claims: { ...good, run_id: "555" } }, serveAndEnd(waiting));
    expect(r.output).not.toContain("::error::");
    expect(r.code).toBe(0);
    expect(r.output).toContain(`open for job ${jobId}`);
  });

  const forged: [string, Omit<MintOptions, "audience"> & { fixedToken?: string }, RegExp][] = [
    ["a key the issuer never published", { claims: good, key: "rogue-unknown-kid" }, /signed with a key .* does not publish/],
    ["a forged signature under the issuer's key id", { claims: good, key: "rogue-same-kid" }, /its signature does not verify/],
    ["another issuer", { claims: good, issuer: "https://token.actions.evil.example" }, /it was not issued by http:\/\/127\.0\.0\.1/],
    ["an expired token", { claims: good, expiresIn: -600 }, /it has expired/],
    [
      "another repository",
      { claims: { ...good, repository_id: "999", repository: "evil/fork" } },
      /issued to repository evil\/fork \(id 999\), not to wave-test\/calc/,
    ],
    [
      "another workflow",
      { claims: { ...good, workflow_ref: `${REPO}/.github/workflows/other.yml@refs/heads/main` } },
      /comes from workflow .*other\.yml.*, not from wave-test\/calc\/\.github\/workflows\/wave-runner\.yml/,
    ],
    ["another event", { claims: { ...good, event_name: "push" } }, /triggered by push, not by the app's repository_dispatch/],
  ];
  for (const [name, mint, reason] of forged) {
    it(`refuses ${name}, saying why in the app's log and the runner's output`, { timeout: 60_000 }, async () => {
      const { jobId, waiting } = expectJob();
      const r = await attempt(jobId, mint);
      expect(r.code).toBe(1);
      expect(r.output).toMatch(
        new RegExp(`::error::The app refused this runner \\(403\\): The runner's OIDC token was refused: .*${reason.source}`),
      );
      expect(r.log).toMatch(reason);
      // The job is still waiting for a genuine runner.
      let connected = false;
      void waiting.connected.then(() => (connected = true));
      await new Promise((r2) => setImmediate(r2));
      expect(connected).toBe(false);
    });
  }

  it("refuses a token for another audience", { timeout: 60_000 }, async () => {
    const { jobId } = expectJob();
    const token = await issuer.mint({ claims: good, audience: "https://another-app.example" });
    const r = await attempt(jobId, { claims: good, fixedToken: token });
    expect(r.code).toBe(1);
    expect(r.output).toContain(`its audience is not ${appUrl}`);
    expect(r.log).toContain(`its audience is not ${appUrl}`);
  });

  it("refuses a replayed token, a second session for a served job, and a job that was never dispatched", { timeout: 90_000 }, async () => {
    const first = expectJob();
    const token = await issuer.mint({ claims: good, audience: appUrl });
    expect((await attempt(first.jobId, { claims: good, fixedToken: token }, serveAndEnd(first.waiting))).code).toBe(0);

    const other = expectJob();
    const replay = await attempt(other.jobId, { claims: good, fixedToken: token });
    expect(replay.code).toBe(1);
    expect(replay.output).toContain("This OIDC token was already used to open a session; a replayed token is refused.");
    expect(replay.log).toContain("a replayed token is refused");

    const second = await attempt(first.jobId, { claims: good });
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/Job \S+ already had its runner \(run \d+\); one runner per job, a second session is refused\./);
    expect(second.log).toContain("a second session is refused");

    const never = randomUUID();
    const stray = await attempt(never, { claims: good });
    expect(stray.code).toBe(1);
    expect(stray.output).toContain(`No job ${never} was dispatched by this app; a token for it is refused.`);
    expect(stray.log).toContain(`No job ${never} was dispatched`);
  });
});

describe("the verifier's workflow rule", () => {
  it("accepts a reusable workflow kept by the organisation through job_workflow_ref, and nothing else there", async () => {
    const verifier = actionsTokenVerifier({ issuer: issuer.issuer, audience: appUrl });
    const shared = "wave-test/.github/.github/workflows/wave-runner.yml";
    const expected = { repositoryId: REPO_ID, repository: REPO, workflow: shared };
    const ok = await issuer.mint({ claims: { ...good, job_workflow_ref: `${shared}@refs/heads/main` }, audience: appUrl });
    await expect(verifier.verify(ok, expected)).resolves.toMatchObject({ repository_id: String(REPO_ID) });
    const elsewhere = await issuer.mint({
      claims: { ...good, job_workflow_ref: `evil/x/.github/workflows/wave-runner.yml@main` },
      audience: appUrl,
    });
    await expect(verifier.verify(elsewhere, expected)).rejects.toThrow(RunnerTokenRefused);
  });
});
