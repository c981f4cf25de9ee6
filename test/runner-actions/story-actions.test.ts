import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { gateWorkers } from "../../src/gates/index.js";
import { gateStatusFacts } from "../../src/gates/status-facts.js";
import { actionsTokenVerifier } from "../../src/oidc/verify-actions-token.js";
import { pullRequestHandlers } from "../../src/pull-requests/index.js";
import { hubAuditor } from "../../src/runner-actions/actions-backend.js";
import { createActionsRunner } from "../../src/runner-actions/actions-runner.js";
import { backendRunner } from "../../src/runner-actions/backend-runner.js";
import { RunnerHub } from "../../src/runner-actions/runner-hub.js";
import { runnerRoutes } from "../../src/runner-actions/runner-routes.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { stopStorySandboxes } from "../../src/sandbox/story-sandboxes.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { OWNER, REPO } from "../support/fake-git-repo.js";
import { startFakeOidcIssuer, type FakeOidcIssuer } from "../support/fake-oidc-issuer.js";
import { runAction, type ActionRun } from "../support/run-action.js";
import { githubExample } from "../support/webhook-examples.js";
import { scriptedModel } from "../e2e/story-model.js";
import { storyGitHub, storyRepository, type StoryGitHub } from "../e2e/story-github.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const ISSUE = 32;
const REPO_ID = 4343;
const HEARTBEAT_MS = 1_000;

let app: TestApp | undefined;
let fake: FakeAnthropic;
let github: StoryGitHub;
let issuer: FakeOidcIssuer;
let hub: RunnerHub;
const docker = createDockerRunner({ instance: "story-actions-e2e" });
/** Every action run GitHub started, with the gate the story was at when it was dispatched. */
const runs: { gate: string; run: ActionRun; killed: boolean }[] = [];

beforeAll(async () => {
  github = await storyGitHub({
    config: "max_recycles: 1\nsandbox:\n  backend: actions\n  actions_connect_seconds: 120\n",
    repoDir: fixture,
    tarball,
  });
  fake = await startFakeAnthropic({ responder: scriptedModel });
  issuer = await startFakeOidcIssuer();
  const env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.baseURL };
  const cacheDir = mkdtempSync(join(tmpdir(), "wave-actions-e2e-tarballs-"));
  const log = pino({ level: process.env.WAVE_TEST_LOG ?? "silent" });
  const origin = () => app?.origin ?? "http://127.0.0.1:0";
  let pool: TestApp["pool"] | undefined;
  const audit = (event: Parameters<ReturnType<typeof hubAuditor>>[0]) => pool && hubAuditor({ pool, log })(event);
  hub = new RunnerHub({
    verifier: actionsTokenVerifier({ issuer: issuer.issuer, audience: origin }),
    heartbeatMs: HEARTBEAT_MS,
    onEvent: (e) => audit(e),
  });
  // GitHub starts the repository's wave-runner workflow for each dispatch: the bundled action, as Actions runs it.
  github.server.onDispatch = (d) => {
    void (async () => {
      const row = await app?.pool.query(`SELECT gate FROM stories WHERE issue_number = $1`, [ISSUE]);
      const gate = String(row?.rows[0]?.gate ?? "?");
      const oidc = issuer.job({
        claims: {
          repository: d.repository,
          repository_id: String(REPO_ID),
          workflow_ref: `${d.repository}/.github/workflows/wave-runner.yml@refs/heads/main`,
        },
      });
      const payload = d.client_payload as { job_id: string; app_url: string };
      runs.push({ gate, run: runAction({ repository: d.repository, runId: 9000 + runs.length, payload, oidc }), killed: false });
    })();
  };
  app = await startTestApp({
    githubBaseUrl: github.server.url,
    gates: (gh, deps) => {
      pool = deps.pool;
      const actions = createActionsRunner({ pool: deps.pool, github: gh, hub, appUrl: origin, webUrl: github.server.url, log });
      return gateWorkers({ ...deps, github: gh, runner: backendRunner({ docker, actions }, "docker"), env, cacheDir });
    },
    facts: (deps) => gateStatusFacts(deps.pool),
    handlers: () => pullRequestHandlers(env),
    sandbox: { stopStory: async (id) => void (await stopStorySandboxes(docker.docker, id)) },
    routes: [runnerRoutes(hub, log)],
  });
});
afterAll(async () => {
  for (const r of runs) if (r.run.child.exitCode === null) r.run.child.kill("SIGKILL");
  const id = (await app?.pool.query(`SELECT id FROM stories WHERE issue_number = $1`, [ISSUE]))?.rows[0]?.id as string | undefined;
  // The killed runner's sandbox outlives it on this shared Docker host (on GitHub its VM goes); remove it.
  if (id) await stopStorySandboxes(docker.docker, id).catch(() => undefined);
  hub?.close();
  await app?.stop();
  await fake?.close();
  await github?.close();
  await issuer?.close();
});

it(
  "a story with sandbox.backend: actions runs every sandbox through the bundled action, survives its build runner being killed, and reaches review with the same PR as with docker",
  { timeout: 400_000 },
  async () => {
    const labeled = githubExample<
      Record<string, unknown> & { issue: { number: number; body: string | null; title: string }; label: { name: string } }
    >("issues", "labeled");
    labeled.label.name = "wave";
    labeled.issue.number = ISSUE;
    labeled.issue.title = "add() subtracts";
    labeled.issue.body = "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n";
    labeled.repository = storyRepository(REPO_ID);
    labeled.installation = { id: 9 };
    if (!app) throw new Error("no app");
    const { pool } = app;
    await app.send("issues", labeled);

    // The build's first runner is killed (SIGKILL, as a lost runner VM) as soon as it has its session.
    const buildRun = await waitFor(async () => runs.find((r) => r.gate === "build"), 200_000, "a runner dispatched for the build gate");
    await waitFor(async () => buildRun.run.output().includes("open for job"), 120_000, "the build's runner to open its session");
    buildRun.run.child.kill("SIGKILL");
    buildRun.killed = true;

    const row = async () =>
      (await pool.query(`SELECT id, status, gate, pull_request, head_sha, branch, snapshot FROM stories WHERE issue_number = $1`, [ISSUE]))
        .rows[0] as
        | {
            id: string;
            status: string;
            gate: string;
            pull_request: number;
            head_sha: string;
            branch: string;
            snapshot: { context: { step: string } };
          }
        | undefined;
    const atReview = await waitFor(
      async () => {
        const r = await row();
        return r && (r.snapshot.context.step === "reviewApproval" || r.status !== "active") ? r : undefined;
      },
      300_000,
      "the story to wait for approval",
    ).catch(async (error: unknown) => {
      const trail = await pool.query(`SELECT event, detail FROM audit_events ORDER BY id`);
      throw new Error(
        `${String(error)}\ntrail: ${JSON.stringify(trail.rows).slice(0, 4000)}\nruns: ${runs.map((r) => `${r.gate}: ${r.run.output().slice(-600)}`).join("\n---\n")}`,
      );
    });
    const trail = (await pool.query(`SELECT event, detail FROM audit_events WHERE story_id = $1 ORDER BY id`, [atReview.id])).rows as {
      event: string;
      detail: Record<string, string>;
    }[];
    expect(atReview.status, JSON.stringify(trail)).toBe("active");
    // The story's own events are the docker story's; the runner's sessions are audited beside them.
    expect(trail.map((t) => t.event).filter((e) => !e.startsWith("RUNNER_"))).toEqual([
      "STORY_CREATED",
      "INTAKE_PASSED",
      "PLAN_READY",
      "PREFLIGHT_PASSED",
      "BUILD_DONE",
      "VERIFY_PASSED",
      "SAFETY_PASSED",
      "REVIEW_DONE",
    ]);
    const lost = trail.filter((t) => t.event === "RUNNER_LOST");
    expect(lost).toHaveLength(1);
    expect(lost[0]?.detail.reason).toMatch(/stopped answering: no heartbeat for \d+ s/);
    const dispatched = trail.filter((t) => t.event === "RUNNER_DISPATCHED");
    const connected = trail.filter((t) => t.event === "RUNNER_CONNECTED");
    expect(dispatched.length).toBe(github.server.dispatches.length);
    expect(connected.length).toBe(dispatched.length);
    // The build gate dispatched twice: the lost runner's job and the retry's fresh one, same gate job.
    const buildJobs = dispatched.filter((d) => d.detail.gate_job === lost[0]?.detail.gate_job);
    expect(buildJobs).toHaveLength(2);
    expect(new Set(buildJobs.map((d) => d.detail.runner_job)).size).toBe(2);
    expect(github.server.dispatches.every((d) => d.event_type === "wave-runner" && d.repository === `${OWNER}/${REPO}`)).toBe(true);
    // Every other runner ended cleanly when the app destroyed its workspace.
    for (const r of runs.filter((x) => !x.killed)) {
      await waitFor(async () => r.run.child.exitCode !== null, 60_000, "the runner to end");
      expect(r.run.child.exitCode, r.run.output()).toBe(0);
      expect(r.run.output()).not.toContain("::error::");
    }

    // The same PR as the docker story: one commit on the base, the developer's change, the reviewer's finding.
    const fg = github.fake;
    expect(atReview.branch).toBe(`wave/${ISSUE}-add-subtracts`);
    expect(fg.count("POST", /\/git\/commits$/)).toBe(1);
    expect(fg.pulls).toHaveLength(1);
    const pr = fg.pulls[0];
    expect(pr?.draft).toBe(true);
    expect(pr?.body).toContain(`Closes #${ISSUE}`);
    const head = fg.refs.get(`refs/heads/${atReview.branch}`) ?? "";
    expect(head).toBe(atReview.head_sha);
    expect(fg.filesOf(head).get("src/calc.js")?.content.toString()).toContain("return a + b;");
    expect(fg.commits.get(head)?.parents).toEqual([github.baseSha]);
    const reviews = fg.reviews.get(pr?.number ?? 0) ?? [];
    expect(reviews[0]?.comments).toEqual([expect.objectContaining({ path: "src/calc.js", line: 3, side: "RIGHT" })]);
    expect(github.server.undocumented).toEqual([]);
  },
);
