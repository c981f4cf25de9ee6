import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { nockInstallation, nockIssue, watchUndocumentedRequests } from "../support/github-nock.js";
import { githubExample } from "../support/webhook-examples.js";

interface Labeled {
  label: { name: string };
  issue: { number: number; title: string; body: string | null; labels: { name: string }[] };
  repository: { id: number; name: string; full_name: string; owner: { login: string } };
  sender: { login: string; type: string };
  installation?: { id: number };
}

function labeledPayload(edit: (p: Labeled) => void = () => undefined): Labeled {
  const p = githubExample<Labeled>("issues", "labeled");
  p.label.name = "wave";
  p.installation = { id: 4242 };
  p.issue.body = "Fix the spelling.\n\n- [ ] README says commit\n- [x] no other typos\n\n```\n- [ ] not a criterion (code)\n```\n";
  edit(p);
  return p;
}

let app: TestApp;
let watch: ReturnType<typeof watchUndocumentedRequests>;
const comments: { id: number; body: string }[] = [];
const labels = new Set<string>();

function nockIssueWrites(): void {
  nockIssue("Codertocat", "Hello-World", 1, { comments, labels });
}

async function storyRows() {
  return (await app.pool.query(`SELECT id, status, gate, story, version FROM stories ORDER BY created_at`)).rows;
}

async function allDelivered(): Promise<boolean> {
  const pending = await app.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`);
  const deliveries = await app.pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL`);
  return pending.rows[0].n === 0 && deliveries.rows[0].n === 0;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  app = await startTestApp();
  watch = watchUndocumentedRequests();
});
afterAll(async () => {
  watch.stop();
  // Every request the app made is one GitHub documents.
  expect(watch.undocumented).toEqual([]);
  await app.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(async () => {
  comments.length = 0;
  labels.clear();
  await app.pool.query(`TRUNCATE stories, audit_events, outbox, webhook_deliveries, org_controls CASCADE`);
});
afterEach(() => nock.cleanAll());

describe("intake: GitHub's issues.labeled example, signed and delivered", () => {
  it("makes one story, one status comment with the gate table, audit rows and a queued plan job; a redelivery adds nothing", async () => {
    nockInstallation("Codertocat", "Hello-World");
    nockIssueWrites();
    const payload = labeledPayload();
    const res = await app.send("issues", payload, "delivery-1");
    expect(res.status).toBe(200);
    await waitFor(async () => (await allDelivered()) && comments.length === 1, 20_000, "status comment");

    const stories = await storyRows();
    expect(stories).toHaveLength(1);
    expect(stories[0].status).toBe("active");
    expect(stories[0].gate).toBe("plan");
    expect(stories[0].story.acceptanceCriteria).toEqual(["README says commit", "no other typos"]);
    expect(comments[0]?.body).toContain(`<!-- wave:story=${stories[0].id} -->`);
    expect(comments[0]?.body).toMatch(/\| G1 Plan \| 🔵 running \|/);
    expect(comments[0]?.body).toMatch(/\| G0 Intake \| 🟢 passed \|/);

    const audit = (await app.pool.query(`SELECT event, actor FROM audit_events WHERE story_id = $1 ORDER BY id`, [stories[0].id])).rows;
    expect(audit.map((a) => a.event)).toEqual(["STORY_CREATED", "INTAKE_PASSED"]);
    expect(audit[0].actor).toBe("Codertocat");
    const jobs = (await app.pool.query(`SELECT name, data, state FROM pgboss.job WHERE name = 'wave-gate'`)).rows;
    expect(jobs).toHaveLength(1);
    expect(jobs[0].data).toMatchObject({ storyId: stories[0].id, gate: "plan" });

    // The same delivery again (GitHub's "redeliver"): acknowledged, nothing more.
    const again = await app.send("issues", payload, "delivery-1");
    expect(again.status).toBe(200);
    // And a new delivery of the same label on the live story: nothing more either.
    await app.send("issues", payload, "delivery-2");
    await waitFor(allDelivered, 20_000, "deliveries processed");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await storyRows()).toHaveLength(1);
    expect(comments).toHaveLength(1);
    expect((await app.pool.query(`SELECT count(*)::int AS n FROM audit_events`)).rows[0].n).toBe(2);
    expect((await app.pool.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'wave-gate'`)).rows[0].n).toBe(1);
    const outcome = (await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id = 'delivery-2'`)).rows[0].outcome;
    expect(outcome).toMatch(/already live/);
  });

  it("refuses a labeler below the configured role with a one-line comment naming both roles, and makes no story", async () => {
    nockInstallation("Codertocat", "Hello-World", { role: "triage" });
    nockIssueWrites();
    // Another login than the other tests': roles are cached for a minute per repository and user.
    await app.send(
      "issues",
      labeledPayload((p) => (p.sender = { ...p.sender, login: "triager" })),
    );
    await waitFor(async () => comments.length === 1, 20_000, "refusal comment");
    expect(comments[0]?.body).toMatch(/needs the write role or higher on this repository, and you have the triage role/);
    expect(comments[0]?.body.split("\n")[0]).toMatch(/^@triager WAVE did not start/);
    expect(await storyRows()).toHaveLength(0);
  });

  it("stops an invalid config before the story starts, naming the file, the key and what is wrong", async () => {
    nockInstallation("Codertocat", "Hello-World", { config: "max_recycles: lots\nsandboxx: {}\n" });
    nockIssueWrites();
    await app.send("issues", labeledPayload());
    await waitFor(async () => comments.length === 1, 20_000, "config error comment");
    const body = comments[0]?.body ?? "";
    expect(body).toContain("Codertocat/Hello-World:.github/wave.yml");
    expect(body).toContain("`max_recycles`");
    expect(body).toContain("`sandboxx`");
    expect(await storyRows()).toHaveLength(0);
  });

  it("uses the configured trigger label and ignores others", async () => {
    nockInstallation("Codertocat", "Hello-World", { config: "trigger_label: robot\n" });
    nockIssueWrites();
    await app.send("issues", labeledPayload());
    await waitFor(allDelivered, 20_000, "delivery processed");
    expect(await storyRows()).toHaveLength(0);
    await app.send(
      "issues",
      labeledPayload((p) => (p.label.name = "Robot")),
    );
    await waitFor(async () => (await storyRows()).length === 1 && (await allDelivered()), 20_000, "story");
  });

  it("kills a live story when its issue is closed, and mirrors the label", async () => {
    nockInstallation("Codertocat", "Hello-World");
    nockIssueWrites();
    await app.send("issues", labeledPayload());
    await waitFor(async () => (await storyRows()).length === 1 && (await allDelivered()), 20_000, "story");
    // The examples have no issues.closed payload; the labeled one with GitHub's closed fields stands in.
    const closed = labeledPayload() as unknown as Record<string, unknown> & { issue: Record<string, unknown> };
    delete closed.label;
    closed.action = "closed";
    Object.assign(closed.issue, { state: "closed", state_reason: "not_planned", closed_at: new Date().toISOString() });
    await app.send("issues", closed);
    await waitFor(
      async () => (await storyRows())[0]?.status === "killed" && (await allDelivered()) && labels.has("wave:killed"),
      20_000,
      "killed",
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/⛔ killed — issue closed/);
  });

  it("ignores labels on pull requests and labels added by bots", async () => {
    nockInstallation("Codertocat", "Hello-World");
    nockIssueWrites();
    await app.send(
      "issues",
      labeledPayload((p) => Object.assign(p.issue, { pull_request: { url: "x" } })),
    );
    await app.send(
      "issues",
      labeledPayload((p) => (p.sender = { login: "renovate[bot]", type: "Bot" })),
    );
    await waitFor(allDelivered, 20_000, "deliveries processed");
    expect(await storyRows()).toHaveLength(0);
    expect(comments).toHaveLength(0);
  });
});
