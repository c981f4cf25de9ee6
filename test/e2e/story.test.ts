import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { applyEvent } from "../../src/engine/apply-event.js";
import { gateWorkers } from "../../src/gates/index.js";
import { gateStatusFacts } from "../../src/gates/status-facts.js";
import { pullRequestHandlers } from "../../src/pull-requests/index.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { stopStorySandboxes } from "../../src/sandbox/story-sandboxes.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { scriptedModel } from "./story-model.js";
import { githubExample } from "../support/webhook-examples.js";
import { storyGitHub, storyRepository, type StoryGitHub } from "./story-github.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const ISSUE = 31;
const REPO_ID = 4242;
// Ceiling, not an example: 22 fixed requests plus at most one status-comment edit per transition after intake (8).
const MAX_REQUESTS = 30;

let app: TestApp;
let fake: FakeAnthropic;
let github: StoryGitHub;
const runner = createDockerRunner({ instance: "story-e2e" });

beforeAll(async () => {
  github = await storyGitHub({ config: "max_recycles: 1\n", repoDir: fixture, tarball });
  fake = await startFakeAnthropic({ responder: scriptedModel });
  const env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.baseURL };
  const cacheDir = mkdtempSync(join(tmpdir(), "wave-e2e-tarballs-"));
  app = await startTestApp({
    githubBaseUrl: github.server.url,
    gates: (gh, deps) => gateWorkers({ ...deps, github: gh, runner, env, cacheDir }),
    facts: (deps) => gateStatusFacts(deps.pool),
    handlers: () => pullRequestHandlers(env),
    sandbox: { stopStory: async (id) => void (await stopStorySandboxes(runner.docker, id)) },
  });
});
afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await github?.close();
});

const repository = () => storyRepository(REPO_ID);

interface Row {
  id: string;
  status: string;
  gate: string;
  pull_request: number | null;
  head_sha: string | null;
  branch: string | null;
  snapshot: { value: unknown; context: { step: string; approvedBy: string | null } };
}
const row = async () =>
  (await app.pool.query(`SELECT id, status, gate, pull_request, head_sha, branch, snapshot FROM stories WHERE issue_number = $1`, [ISSUE]))
    .rows[0] as Row | undefined;
const settled = async (id: string) =>
  Number((await app.pool.query(`SELECT count(*) AS n FROM outbox WHERE story_id = $1 AND delivered_at IS NULL`, [id])).rows[0].n) === 0;
/** The newest write to each check run name on `sha`: what GitHub shows. */
function checksOn(sha: string): Map<string, Record<string, unknown>> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const writes of github.fake.checkRuns.values()) {
    const created = writes[0] as { name: string; head_sha: string };
    if (created.head_sha !== sha) continue;
    latest.set(created.name, Object.assign({}, ...writes));
  }
  return latest;
}

it(
  "label → plan → build → verify → safety → PR with checks → approval → merged → done, within the request budget",
  { timeout: 300_000 },
  async () => {
    const labeled = githubExample<
      Record<string, unknown> & { issue: { number: number; body: string | null; title: string }; label: { name: string } }
    >("issues", "labeled");
    labeled.label.name = "wave";
    labeled.issue.number = ISSUE;
    labeled.issue.title = "add() subtracts";
    labeled.issue.body = "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n";
    labeled.repository = repository();
    labeled.installation = { id: 9 };
    await app.send("issues", labeled);

    // Gates 1–6: the story publishes its PR and waits for a person's approval.
    const atReview = await waitFor(
      async () => {
        const r = await row();
        return r && (r.snapshot.context.step === "reviewApproval" || r.status !== "active") ? r : undefined;
      },
      Number(process.env.E2E_WAIT_MS ?? 200_000),
      "the story to wait for approval",
    ).catch(async (error: unknown) => {
      // Say where the story stopped: its audit trail, its gate jobs and how far the model got.
      const where = await app.pool.query(
        `SELECT s.status, s.gate, (SELECT json_agg(a.event ORDER BY a.id) FROM audit_events a WHERE a.story_id = s.id) AS trail FROM stories s WHERE issue_number = $1`,
        [ISSUE],
      );
      const jobs = await app.pool.query(`SELECT state, retry_count, output FROM pgboss.job WHERE name = 'wave-gate' ORDER BY created_on`);
      throw new Error(
        `${String(error)}\nstory: ${JSON.stringify(where.rows)}\ngate jobs: ${JSON.stringify(jobs.rows).slice(0, 2000)}\nmodel requests: ${fake.messageRequests().length}`,
      );
    });
    const trail = (await app.pool.query(`SELECT event, to_state, detail FROM audit_events WHERE story_id = $1 ORDER BY id`, [atReview.id]))
      .rows;
    expect(atReview.status, JSON.stringify(trail)).toBe("active");
    expect(trail.map((t) => t.event)).toEqual([
      "STORY_CREATED",
      "INTAKE_PASSED",
      "PLAN_READY",
      "PREFLIGHT_PASSED",
      "BUILD_DONE",
      "VERIFY_PASSED",
      "SAFETY_PASSED",
      "REVIEW_DONE",
    ]);
    await waitFor(() => settled(atReview.id), 30_000, "effects after review");

    // One commit, one draft PR, on wave/<n>-<slug>, with exactly the developer's change.
    const fg = github.fake;
    expect(atReview.branch).toBe(`wave/${ISSUE}-add-subtracts`);
    expect(fg.count("POST", /\/git\/commits$/)).toBe(1);
    expect(fg.pulls).toHaveLength(1);
    const pr = fg.pulls[0];
    expect(pr?.draft).toBe(true);
    expect(pr?.number).toBe(atReview.pull_request);
    expect(pr?.body).toContain(`Closes #${ISSUE}`);
    expect(pr?.body).toContain("add(2, 3) returns 5");
    const head = fg.refs.get(`refs/heads/${atReview.branch}`) ?? "";
    expect(head).toBe(atReview.head_sha);
    expect(fg.filesOf(head).get("src/calc.js")?.content.toString()).toContain("return a + b;");
    expect(fg.commits.get(head)?.parents).toEqual([github.baseSha]);

    // The reviewer's review, with its finding as a line comment.
    const reviews = fg.reviews.get(pr?.number ?? 0) ?? [];
    expect(reviews).toHaveLength(1);
    expect(reviews[0]?.body).toContain("WAVE reviewer: looks right, 1 finding");
    expect(reviews[0]?.comments).toEqual([expect.objectContaining({ path: "src/calc.js", line: 3, side: "RIGHT" })]);

    // Three check runs on the head; wave/gates blocks the merge until a person approves.
    let checks = checksOn(head);
    expect([...checks.keys()].sort()).toEqual(["wave/budget", "wave/gates", "wave/safety"]);
    expect(checks.get("wave/gates")).toMatchObject({ status: "completed", conclusion: "action_required" });
    expect(checks.get("wave/safety")).toMatchObject({ conclusion: "success" });
    expect(checks.get("wave/budget")).toMatchObject({ conclusion: "success" });
    expect(JSON.stringify(checks.get("wave/budget"))).toContain("reviewer");

    // A person other than the starter approves: the gates turn green and the PR leaves draft.
    const deps = { pool: app.pool, boss: app.boss, log: pino({ level: "silent" }) };
    const approved = await applyEvent(deps, atReview.id, { type: "APPROVE", by: "maintainer" });
    expect(approved.to).toBe("merge");
    await waitFor(
      async () => (await settled(atReview.id)) && checksOn(head).get("wave/gates")?.conclusion === "success",
      30_000,
      "wave/gates success",
    );
    expect(pr?.draft).toBe(false);

    // GitHub's own pull_request.closed payload, merged.
    const closed = githubExample<Record<string, unknown> & { number: number; pull_request: Record<string, unknown> }>(
      "pull_request",
      "closed",
    );
    closed.number = pr?.number ?? 0;
    Object.assign(closed.pull_request, {
      number: pr?.number,
      merged: true,
      body: pr?.body,
      head: { ...(closed.pull_request.head as object), ref: atReview.branch, sha: head },
    });
    closed.repository = repository();
    closed.installation = { id: 9 };
    closed.sender = { login: "maintainer", type: "User" };
    await app.send("pull_request", closed);
    const done = await waitFor(
      async () => {
        const r = await row();
        return r?.status === "done" && (await settled(r.id)) ? r : undefined;
      },
      30_000,
      "the story to be done",
    );
    expect(done.gate).toBe("merge");
    checks = checksOn(head);
    expect(checks.get("wave/gates")).toMatchObject({ conclusion: "success" });
    const issue = github.issue(ISSUE);
    expect(issue.comments).toHaveLength(1);
    expect(issue.comments[0]?.body).toContain("✅ done");
    expect(issue.comments[0]?.body).toMatch(/\*\*Pull request:\*\* \S+\/pull\/\d+/);
    expect([...issue.labels]).toEqual(["wave:done"]);
    // Every request WAVE made is one GitHub documents.
    expect(github.server.undocumented).toEqual([]);

    const perKind = new Map<string, number>();
    const requests = github.requests();
    for (const r of requests) {
      const key = r.replace(/\/[0-9a-f]{40}|\/\d+/g, "/:id");
      perKind.set(key, (perKind.get(key) ?? 0) + 1);
    }
    console.log(`GitHub API requests for a one-iteration story, label to merged: ${requests.length} (target ≤ ${MAX_REQUESTS})`);
    console.log([...perKind].map(([k, n]) => `  ${n} × ${k}`).join("\n"));
    expect(requests.length).toBeLessThanOrEqual(MAX_REQUESTS);
  },
);
