import { execFileSync } from "node:child_process";
import { basename, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEvent } from "../../src/engine/apply-event.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import { saveChange } from "../../src/gates/story-change.js";
import { pullRequestHandlers } from "../../src/pull-requests/index.js";
import { reviewGate } from "../../src/review/review-gate.js";
import { SUBMIT_REVIEW_TOOL } from "../../src/review/reviewer.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { saveVerdict, type SafetyVerdict } from "../../src/safety/index.js";
import { scorerToolName } from "../../src/safety/scorer/scorer-answer.js";
import { updateStoryFacts } from "../../src/store/stories.js";
import { calcPlan } from "../agents/scripts.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { reply, startFakeAnthropic, textReply, toolUse, type FakeAnthropic, type RecordedRequest } from "../support/fake-anthropic.js";
import { githubExample } from "../support/webhook-examples.js";
import { storyGitHub, storyRepository, type StoryGitHub } from "./story-github.js";

/**
 * The review gate and the PR events through the running app, with GitHub's
 * example payloads, GitHub faked on loopback, the scripted model and real Postgres. The
 * gates before review are stood in for by their events and stored results, so
 * no sandbox is needed here (test/e2e/story.test.ts runs them for real).
 */
const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const REPO_ID = 4343;
const fixed = "export function add(a, b) {\n  return a + b;\n}\n";

function model(request: RecordedRequest): ReturnType<typeof reply> {
  const tools = (request.body?.tools ?? []).map((t) => ("name" in t ? t.name : ""));
  if (tools.includes(scorerToolName))
    return reply([toolUse(scorerToolName, { score: 0.95, violations: [], risks: [], reasoning: "In scope." })]);
  if (tools.includes(SUBMIT_REVIEW_TOOL))
    return reply([toolUse(SUBMIT_REVIEW_TOOL, { verdict: "looks_right", summary: "Fine.", criteria: [], findings: [] })]);
  return textReply("unexpected request");
}

let app: TestApp;
let fake: FakeAnthropic;
let github: StoryGitHub;
let deps: EngineDeps;

beforeAll(async () => {
  github = await storyGitHub({ config: "max_recycles: 1\n", repoDir: fixture, tarball });
  fake = await startFakeAnthropic({ responder: model });
  const env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.baseURL };
  const runner = createDockerRunner({ instance: "pr-events" });
  app = await startTestApp({
    githubBaseUrl: github.server.url,
    gates: (gh, d) => ({ review: reviewGate({ ...d, github: gh, runner, env, cacheDir: "/nonexistent" }) }),
    handlers: () => pullRequestHandlers(env),
  });
  deps = { pool: app.pool, boss: app.boss, log: pino({ level: "silent" }) };
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await github?.close();
  // Every request WAVE made is one GitHub documents.
  expect(github?.server.undocumented ?? []).toEqual([]);
});

const repository = () => storyRepository(REPO_ID);

interface Row {
  id: string;
  status: string;
  pull_request: number | null;
  head_sha: string | null;
  branch: string | null;
  snapshot: { context: { step: string; lastFailure: string | null } };
}
const row = async (issue: number) =>
  (await app.pool.query(`SELECT id, status, pull_request, head_sha, branch, snapshot FROM stories WHERE issue_number = $1`, [issue]))
    .rows[0] as Row | undefined;
/** The gate queue keeps one queued job per story: wait until the last one ran before the next event queues another. */
const gateIdle = async (id: string) =>
  Number(
    (
      await app.pool.query(
        `SELECT count(*) AS n FROM pgboss.job WHERE name = 'wave-gate' AND singleton_key = $1 AND state IN ('created', 'retry', 'active')`,
        [id],
      )
    ).rows[0].n,
  ) === 0;
const settled = async (id: string) =>
  Number((await app.pool.query(`SELECT count(*) AS n FROM outbox WHERE story_id = $1 AND delivered_at IS NULL`, [id])).rows[0].n) === 0;
const runsOn = (sha: string, name: string) =>
  [...github.fake.checkRuns.values()].filter(
    (w) => (w[0] as { head_sha: string; name: string }).head_sha === sha && (w[0] as { name: string }).name === name,
  );
const latest = (sha: string, name: string) => {
  const runs = runsOn(sha, name);
  const last = runs.at(-1);
  return last ? (Object.assign({}, ...last) as Record<string, unknown>) : undefined;
};

/**
 * Labels issue `n` and stands in for gates 1–5 with their events and stored results; the review gate then runs for real.
 * Resolves once the story waits for approval or stops being active, or (`leftFor`) once it left the review gate for that step.
 */
async function toReview(n: number, leftFor?: string): Promise<Row> {
  const labeled = githubExample<
    Record<string, unknown> & { issue: { number: number; body: string | null; title: string }; label: { name: string } }
  >("issues", "labeled");
  labeled.label.name = "wave";
  Object.assign(labeled.issue, { number: n, title: `add() subtracts ${n}`, body: "add(2, 3) returns -1." });
  labeled.repository = repository();
  labeled.installation = { id: 9 };
  await app.send("issues", labeled);
  const s = await waitFor(() => row(n), 20_000, "the story");
  await updateStoryFacts(app.pool, s.id, {
    plan: { ...calcPlan, test_command: "npm test", test_command_source: "config", test_command_reason: "test", markdown: "plan" },
  });
  await app.pool.query(`UPDATE stories SET base_sha = $2, base_branch = 'main' WHERE id = $1`, [s.id, github.baseSha]);
  const patch =
    "diff --git a/src/calc.js b/src/calc.js\n--- a/src/calc.js\n+++ b/src/calc.js\n@@ -1,3 +1,3 @@\n export function add(a, b) {\n-  return a - b;\n+  return a + b;\n }\n";
  await saveChange(
    app.pool,
    s.id,
    github.baseSha,
    { patch, files: [{ path: "src/calc.js", status: "modified", mode: "100644", content: Buffer.from(fixed), binary: false }] },
    [],
  );
  const verdict: SafetyVerdict = {
    subjectKind: "diff",
    storyId: s.id,
    inputsDigest: "d".repeat(64),
    decision: "allow",
    score: 0.95,
    thresholds: { block: 0.5, escalate: 0.85 },
    violations: [],
    uncertainties: [],
    scorer: { status: "skipped", reason: "test" },
    reasons: [],
    ruleIds: [],
  };
  await saveVerdict(app.pool, verdict);
  for (const event of [
    { type: "PLAN_READY", by: "wave", summary: "2 steps" },
    { type: "PREFLIGHT_PASSED", by: "wave", summary: "fits" },
    { type: "BUILD_DONE", by: "wave", filesChanged: 1 },
    { type: "VERIFY_PASSED", by: "wave" },
    { type: "SAFETY_PASSED", by: "wave", score: 0.95 },
  ] as const) {
    await waitFor(() => gateIdle(s.id), 20_000, "the gate queue");
    await applyEvent(deps, s.id, event);
  }
  return waitFor(
    async () => {
      const r = await row(n);
      if (leftFor) return r?.snapshot.context.step === leftFor ? r : undefined;
      return r && r.status !== "active" ? r : r?.snapshot.context.step === "reviewApproval" && (await settled(r.id)) ? r : undefined;
    },
    30_000,
    "the review gate",
  );
}

/** Someone pushes a commit on top of `parent` to the story's branch, with src/calc.js as `content`. */
function push(branch: string, parent: string, content: string): string {
  const files = Object.fromEntries([...github.fake.filesOf(parent)].map(([p, f]) => [p, { content: f.content, mode: f.mode }]));
  const sha = github.fake.commit({ ...files, "src/calc.js": { content } }, [parent], "a person's fix");
  github.fake.refs.set(`refs/heads/${branch}`, sha);
  return sha;
}

function pullRequestPayload(
  action: "synchronize" | "closed",
  s: Row,
  head: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { pull_request: Record<string, unknown> }>("pull_request", action);
  const pr = github.fake.pulls.find((x) => x.number === s.pull_request);
  p.number = s.pull_request;
  Object.assign(p.pull_request, {
    number: s.pull_request,
    body: pr?.body,
    merged: false,
    head: { ...(p.pull_request.head as object), ref: s.branch, sha: head },
  });
  p.repository = repository();
  p.installation = { id: 9 };
  p.sender = { login: "octocat", type: "User" };
  return { ...p, ...extra };
}

describe("the story's PR through GitHub's events", () => {
  let s: Row;
  let head: string;

  it("publishes one commit and one draft PR, writes three check runs and posts the review", { timeout: 60_000 }, async () => {
    s = await toReview(41);
    expect(s.status).toBe("active");
    head = s.head_sha ?? "";
    expect(github.fake.refs.get(`refs/heads/${s.branch}`)).toBe(head);
    expect(github.fake.pulls).toHaveLength(1);
    expect(latest(head, "wave/gates")).toMatchObject({ conclusion: "action_required" });
    expect(latest(head, "wave/safety")).toMatchObject({ conclusion: "success" });
    expect(latest(head, "wave/budget")).toMatchObject({ conclusion: "success" });
    expect(github.fake.reviews.get(s.pull_request ?? 0)).toHaveLength(1);
    // Gates 1–5 are stood in for here, so the plan gate's base look-up and tarball (3 requests) are not counted.
    console.log(`GitHub requests from the label to waiting for approval, gates 1–5 stood in for: ${github.requests().length}`);
  });

  it("re-running the review gate publishes nothing new and reviews nothing twice", { timeout: 30_000 }, async () => {
    const commits = github.fake.count("POST", /\/git\/commits$/);
    await applyEvent(deps, s.id, { type: "RECYCLE", by: "maintainer", feedback: "same again" });
    for (const event of [
      { type: "BUILD_DONE", by: "wave", filesChanged: 1 },
      { type: "VERIFY_PASSED", by: "wave" },
      { type: "SAFETY_PASSED", by: "wave", score: 0.95 },
    ] as const) {
      await waitFor(() => gateIdle(s.id), 20_000, "the gate queue");
      await applyEvent(deps, s.id, event);
    }
    await waitFor(async () => (await row(41))?.snapshot.context.step === "reviewApproval" && (await settled(s.id)), 20_000, "review again");
    expect(github.fake.count("POST", /\/git\/commits$/)).toBe(commits);
    expect(github.fake.pulls).toHaveLength(1);
    expect(github.fake.reviews.get(s.pull_request ?? 0)).toHaveLength(1);
  });

  it("ignores WAVE's own push and answers check_run.rerequested with a fresh run", { timeout: 30_000 }, async () => {
    await app.send("pull_request", pullRequestPayload("synchronize", s, head, { before: github.baseSha, after: head }));
    const before = runsOn(head, "wave/gates").length;
    const rerun = githubExample<Record<string, unknown> & { check_run: Record<string, unknown> }>("check_run", "rerequested");
    Object.assign(rerun.check_run, { name: "wave/gates", head_sha: head, external_id: s.id });
    rerun.repository = repository();
    rerun.installation = { id: 9 };
    await app.send("check_run", rerun);
    await waitFor(async () => runsOn(head, "wave/gates").length === before + 1, 20_000, "a fresh wave/gates run");
    expect(latest(head, "wave/gates")).toMatchObject({ conclusion: "action_required" });
    expect(Number((await app.pool.query(`SELECT count(*) AS n FROM safety_verdicts WHERE story_id = $1`, [s.id])).rows[0].n)).toBe(1);
  });

  it("re-scores a head someone else pushed and moves the checks to it", { timeout: 30_000 }, async () => {
    const theirs = push(s.branch ?? "", head, "export function add(a, b) {\n  return b + a;\n}\n");
    await app.send("pull_request", pullRequestPayload("synchronize", s, theirs, { before: head, after: theirs }));
    await waitFor(
      async () => (await row(41))?.head_sha === theirs && (await settled(s.id)) && latest(theirs, "wave/budget") !== undefined,
      20_000,
      "checks on the new head",
    );
    const verdicts = (
      await app.pool.query(`SELECT score, decision FROM safety_verdicts WHERE story_id = $1 AND subject_kind = 'diff' ORDER BY id`, [s.id])
    ).rows;
    expect(verdicts).toHaveLength(2);
    expect(verdicts[1]).toMatchObject({ decision: "allow" });
    expect(latest(theirs, "wave/gates")).toMatchObject({ conclusion: "action_required" });
    expect(latest(theirs, "wave/safety")).toMatchObject({ conclusion: "success" });
    head = theirs;
  });

  it(
    "after the approval turns wave/gates green and takes the PR out of draft; a later push withdraws it",
    { timeout: 30_000 },
    async () => {
      await applyEvent(deps, s.id, { type: "APPROVE", by: "maintainer" });
      await waitFor(
        async () => (await settled(s.id)) && latest(head, "wave/gates")?.conclusion === "success",
        20_000,
        "wave/gates success",
      );
      expect(github.fake.pulls[0]?.draft).toBe(false);
      console.log(`GitHub requests up to the approval's checks: ${github.requests().length}`);

      const later = push(s.branch ?? "", head, "export function add(a, b) {\n  return a + b + 0;\n}\n");
      await app.send("pull_request", pullRequestPayload("synchronize", s, later, { before: head, after: later }));
      const held = await waitFor(
        async () => {
          const r = await row(41);
          return r?.status === "held" && (await settled(r.id)) ? r : undefined;
        },
        20_000,
        "the story to hold",
      );
      expect(held.snapshot.context.lastFailure).toContain("after the approval");
      expect(latest(later, "wave/gates")).toMatchObject({ conclusion: "action_required" });
      head = later;
    },
  );

  it("closed without merging kills the story and fails wave/gates", { timeout: 30_000 }, async () => {
    await app.send("pull_request", pullRequestPayload("closed", s, head));
    await waitFor(async () => (await row(41))?.status === "killed" && (await settled(s.id)), 20_000, "the story to be killed");
    expect(latest(head, "wave/gates")).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(github.issue(41).labels.has("wave:killed")).toBe(true);
  });

  it("sends the story back to build on the new base when the base moved onto a file the change touches", { timeout: 60_000 }, async () => {
    const files = Object.fromEntries([...github.fake.filesOf(github.baseSha)].map(([p, f]) => [p, { content: f.content, mode: f.mode }]));
    const moved = github.fake.commit({ ...files, "src/calc.js": { content: "export const add = (a, b) => a + b;\n" } }, [github.baseSha]);
    github.fake.refs.set("refs/heads/main", moved);
    const conflicted = await toReview(42, "build");
    expect(conflicted.status).toBe("active");
    // The story's base moved; the kept change stays on its old base, for the build to merge onto the new one.
    const stored = await app.pool.query(
      `SELECT s.base_sha, c.base_sha AS change_base FROM stories s JOIN story_changes c ON c.story_id = s.id WHERE s.id = $1`,
      [conflicted.id],
    );
    expect(stored.rows[0]).toEqual({ base_sha: moved, change_base: github.baseSha });
    const iterations = await app.pool.query(`SELECT source, state, feedback FROM story_iterations WHERE story_id = $1`, [conflicted.id]);
    expect(iterations.rows).toHaveLength(1);
    expect(iterations.rows[0]).toMatchObject({ source: "base", state: "running" });
    expect(iterations.rows[0].feedback).toContain("`src/calc.js`");
    expect(github.fake.pulls).toHaveLength(1);
  });
});

/**
 * A PR whose body says `Closes #N` closes its issue when it merges; GitHub sends
 * `issues.closed` and `pull_request.closed` in no promised order. Every order ends in
 * the true final state, with the label mirror and `wave/gates` following.
 */
describe("issue closed and PR closed, in every delivery order", () => {
  /** GitHub's issue payload closed (the examples have no issues.closed: the labeled one with the closed fields stands in). */
  function issueClosed(n: number): Record<string, unknown> {
    const p = githubExample<Record<string, unknown> & { issue: Record<string, unknown> }>("issues", "labeled");
    delete p.label;
    p.action = "closed";
    Object.assign(p.issue, { number: n, state: "closed", state_reason: "completed", closed_at: new Date().toISOString() });
    p.repository = repository();
    p.installation = { id: 9 };
    p.sender = { login: "octocat", type: "User" };
    return p;
  }
  /** The story at the merge gate: approved, `wave/gates` green. */
  async function approved(n: number): Promise<Row> {
    github.fake.refs.set("refs/heads/main", github.baseSha);
    const s = await toReview(n);
    expect(s.status).toBe("active");
    await applyEvent(deps, s.id, { type: "APPROVE", by: "maintainer" });
    await waitFor(
      async () => (await settled(s.id)) && latest(s.head_sha ?? "", "wave/gates")?.conclusion === "success",
      20_000,
      "wave/gates success",
    );
    return s;
  }
  const merge = (s: Row) =>
    Object.assign(github.fake.pulls.find((p) => p.number === s.pull_request) ?? {}, { state: "closed", merged: true });
  const closeUnmerged = (s: Row) =>
    Object.assign(github.fake.pulls.find((p) => p.number === s.pull_request) ?? {}, { state: "closed", merged: false });
  const mergedPayload = (s: Row) => {
    const p = pullRequestPayload("closed", s, s.head_sha ?? "");
    Object.assign(p.pull_request as object, { merged: true });
    return p;
  };
  const final = (n: number, status: string) =>
    waitFor(
      async () => {
        const r = await row(n);
        return r?.status === status && (await settled(r.id)) ? r : undefined;
      },
      20_000,
      `story #${n} ${status}`,
    );
  const audit = async (id: string) =>
    (await app.pool.query(`SELECT event, to_state FROM audit_events WHERE story_id = $1 ORDER BY id`, [id])).rows as {
      event: string;
      to_state: string;
    }[];

  async function expectDone(s: Row, n: number) {
    const done = await final(n, "done");
    expect(latest(s.head_sha ?? "", "wave/gates")).toMatchObject({ status: "completed", conclusion: "success" });
    expect([...github.issue(n).labels]).toEqual(["wave:done"]);
    expect(github.issue(n).comments.at(-1)?.body).toContain("✅ done");
    return done;
  }

  it("merged, issues.closed first: done, wave/gates success", { timeout: 90_000 }, async () => {
    const s = await approved(43);
    merge(s);
    await app.send("issues", issueClosed(43));
    await expectDone(s, 43);
    await app.send("pull_request", mergedPayload(s));
    await waitFor(
      async () => (await audit(s.id)).filter((a) => a.event === "PR_MERGED").length === 2 && (await settled(s.id)),
      20_000,
      "the late PR event",
    );
    await expectDone(s, 43);
    expect((await audit(s.id)).filter((a) => a.to_state === "done")).toHaveLength(2); // one transition, then the ignored repeat
  });

  it("merged, pull_request.closed first: done, wave/gates success", { timeout: 90_000 }, async () => {
    const s = await approved(44);
    merge(s);
    await app.send("pull_request", mergedPayload(s));
    await expectDone(s, 44);
    await app.send("issues", issueClosed(44));
    await waitFor(
      async () => (await app.pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL`)).rows[0].n === 0,
      20_000,
      "issues.closed processed",
    );
    await expectDone(s, 44);
  });

  it(
    "issues.closed read the PR still open, then the merge arrived: the kill is corrected to done and audited",
    { timeout: 90_000 },
    async () => {
      const s = await approved(45);
      await app.send("issues", issueClosed(45));
      const killed = await final(45, "killed");
      expect(killed.snapshot.context).toMatchObject({ killed: { reason: "issue closed" } });
      merge(s);
      await app.send("pull_request", mergedPayload(s));
      await expectDone(s, 45);
      expect((await audit(s.id)).slice(-2)).toEqual([
        { event: "ISSUE_CLOSED", to_state: "killed" },
        { event: "PR_MERGED", to_state: "done" },
      ]);
    },
  );

  it("closed without merging, in either order: killed, wave/gates failure", { timeout: 120_000 }, async () => {
    const a = await approved(46);
    closeUnmerged(a);
    await app.send("pull_request", pullRequestPayload("closed", a, a.head_sha ?? ""));
    await final(46, "killed");
    await app.send("issues", issueClosed(46));
    const b = await approved(47);
    closeUnmerged(b);
    await app.send("issues", issueClosed(47));
    await final(47, "killed");
    await app.send("pull_request", pullRequestPayload("closed", b, b.head_sha ?? ""));
    for (const [s, n, reason] of [
      [a, 46, "pull request closed without merging"],
      [b, 47, "issue closed"],
    ] as const) {
      const killed = await final(n, "killed");
      expect(killed.snapshot.context).toMatchObject({ killed: { reason } });
      expect(latest(s.head_sha ?? "", "wave/gates")).toMatchObject({ status: "completed", conclusion: "failure" });
      expect([...github.issue(n).labels]).toEqual(["wave:killed"]);
    }
  });
});
