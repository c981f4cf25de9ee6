import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { LABELS } from "../../src/sandbox/labels.js";
import { spawnApp, type AppProcess } from "../support/app-process.js";
import { freshDatabase } from "../support/db.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { TEST_SECRET, waitFor } from "../support/test-keys.js";
import { deliver } from "../support/webhook-examples.js";
import { storyGitHub, type StoryGitHub } from "../e2e/story-github.js";
import { scriptedModel } from "../e2e/story-model.js";
import { seeded, storyPayloads } from "./support/story-payloads.js";

/**
 * The app as `npm start` runs it (its own process, real sandbox, scripted model), SIGKILLed at
 * 20 seeded random moments while several stories go from label to merged, and restarted on the
 * same database each time. Every story must end done exactly once: one story row, one status
 * comment, one PR, one review, one transition to done, no sandbox left behind.
 */
const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const REPO_ID = 4646;
const ISSUES = [81, 82, 83];
const KILLS = Number(process.env.WAVE_KILLS ?? 20);
const payloads = storyPayloads(REPO_ID);

let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let github: StoryGitHub;
let fake: FakeAnthropic;
let app: AppProcess | undefined;
const env: Record<string, string> = {};

beforeAll(async () => {
  db = await freshDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  github = await storyGitHub({ config: "max_recycles: 1\n", repoDir: fixture, tarball });
  fake = await startFakeAnthropic({ responder: scriptedModel });
  Object.assign(env, {
    ANTHROPIC_API_KEY: "sk-ant-test",
    ANTHROPIC_BASE_URL: fake.baseURL,
    WAVE_DATA_DIR: mkdtempSync(join(tmpdir(), "wave-kills-")),
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    ...(process.env.WAVE_SANDBOX_IMAGE ? { WAVE_SANDBOX_IMAGE: process.env.WAVE_SANDBOX_IMAGE } : {}),
  });
}, 120_000);
afterAll(async () => {
  await app?.stop().catch(() => undefined);
  await client?.end();
  await fake?.close();
  await github?.close();
  await db?.drop();
});

interface Row {
  id: string;
  issue_number: number;
  status: string;
  pull_request: number | null;
  head_sha: string | null;
  step: string;
}
const rows = async () =>
  (
    await client.query(
      `SELECT id, issue_number, status, pull_request, head_sha, snapshot->'context'->>'step' AS step FROM stories ORDER BY issue_number`,
    )
  ).rows as Row[];
const gatesConclusion = (sha: string) => {
  let latest: Record<string, unknown> | undefined;
  for (const writes of github.fake.checkRuns.values()) {
    const first = writes[0] as { name: string; head_sha: string };
    if (first.head_sha === sha && first.name === "wave/gates") latest = Object.assign({}, ...writes) as Record<string, unknown>;
  }
  return latest?.conclusion;
};

it(`every story ends done exactly once through ${KILLS} SIGKILLs spread across the gates`, { timeout: 720_000 }, async () => {
  const random = seeded(Number(process.env.KILL_SEED ?? 20));
  // Webhooks GitHub sent, by delivery id; one the dead app never answered is delivered again.
  const outbox = new Map<string, { name: string; payload: unknown }>();
  const answered = new Set<string>();
  const send = (id: string, name: string, payload: unknown) => void (outbox.has(id) || outbox.set(id, { name, payload }));
  const flush = async () => {
    for (const [id, d] of outbox) {
      if (answered.has(id) || !app) continue;
      const res = await deliver(app.webhookUrl, TEST_SECRET, d.name, d.payload, id).catch(() => undefined);
      if (res?.ok) answered.add(id);
    }
  };
  /** Sends what each story needs next from GitHub's side: the label, the approval, the merge. */
  const drive = async () => {
    for (const n of ISSUES) send(`label-${n}`, "issues", payloads.labeled(n));
    for (const r of await rows()) {
      if (r.status !== "active") continue;
      if (r.step === "reviewApproval")
        send(`approve-${r.issue_number}`, "issue_comment", payloads.approve(r.issue_number, 90_000 + r.issue_number));
      if (r.step === "merge" && r.head_sha && gatesConclusion(r.head_sha) === "success") {
        const pull = github.fake.pulls.find((p) => p.number === r.pull_request);
        if (!pull) continue;
        Object.assign(pull, { state: "closed", merged: true });
        // Both orders GitHub allows, one story each way.
        const events = [
          [`closed-${r.issue_number}`, "issues", payloads.issueClosed(r.issue_number)],
          [`merged-${r.issue_number}`, "pull_request", payloads.merged(pull, r.head_sha)],
        ] as const;
        for (const [id, name, payload] of r.issue_number % 2 ? [...events].reverse() : events) send(id, name, payload);
      }
    }
    await flush();
  };
  const allDone = async () => (await rows()).length === ISSUES.length && (await rows()).every((r) => r.status === "done");

  const kills: { at: string[]; activeGateJobs: string[]; killedAt: number }[] = [];
  const takeovers: number[] = [];
  // Gate jobs a kill interrupted, until they run again under a new worker (or finish): kill → running again. A job
  // that ran again and failed on its own (its retry waits out the queue's backoff) ran again all the same.
  const waiting = new Map<number, string[]>();
  const measureTakeovers = async () => {
    for (const [killedAt, ids] of waiting) {
      const res = await client.query(
        `SELECT count(*)::int AS n FROM pgboss.job WHERE id = ANY($1::uuid[]) AND (state IN ('completed', 'failed', 'cancelled') OR started_on > to_timestamp($2 / 1000.0))`,
        [ids, killedAt],
      );
      if (res.rows[0].n === ids.length) {
        takeovers.push((Date.now() - killedAt) / 1000);
        waiting.delete(killedAt);
      }
    }
  };
  app = await spawnApp({ databaseUrl: db.url, githubHost: github.server.host, env });
  const deadline = Date.now() + 540_000;
  while (Date.now() < deadline && !(kills.length >= KILLS && (await allDone()))) {
    // Drive for a random while (0.2–6 s), then kill, unless all kills are spent.
    const until = Date.now() + (kills.length < KILLS ? 200 + random() * 5800 : 2000);
    while (Date.now() < until) {
      await drive();
      await measureTakeovers();
      await new Promise((r) => setTimeout(r, 150));
    }
    if (kills.length >= KILLS) continue;
    const active = (await client.query(`SELECT id FROM pgboss.job WHERE name = 'wave-gate' AND state = 'active'`)).rows.map(
      (j: { id: string }) => j.id,
    );
    const at = (await rows()).filter((r) => r.status === "active").map((r) => `#${r.issue_number}@${r.step}`);
    await app.kill();
    const killedAt = Date.now();
    kills.push({ at, activeGateJobs: active, killedAt });
    // A later kill before the takeover would measure that restart too: only the latest one counts.
    waiting.clear();
    if (active.length > 0) waiting.set(killedAt, active);
    app = await spawnApp({ databaseUrl: db.url, githubHost: github.server.host, env });
    // Every fourth kill mid-gate waits for the takeover, so the figure is measured undisturbed by the next kill.
    if (active.length > 0 && kills.filter((k) => k.activeGateJobs.length > 0).length % 4 === 1) {
      await waitFor(async () => (await measureTakeovers(), !waiting.has(killedAt)), 120_000, "the dead replica's gate jobs taken over");
    }
    console.log(
      `kill ${kills.length}/${KILLS} at ${at.join(" ")} (${active.length} gate jobs running); takeovers so far: ${takeovers.map((t) => t.toFixed(1)).join(", ")}`,
    );
  }
  await waitFor(allDone, 60_000, "every story done").catch(async (error: unknown) => {
    throw new Error(`${String(error)}\n${JSON.stringify(await rows())}\nkills: ${JSON.stringify(kills.map((k) => k.at))}`);
  });
  await waitFor(
    async () =>
      (await client.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL`)).rows[0].n === 0,
    60_000,
    "outbox drained",
  );

  const done = await rows();
  const hit = new Set(kills.flatMap((k) => k.at.map((a) => a.split("@")[1])));
  takeovers.sort((a, b) => a - b);
  console.log(
    `SIGKILLs: ${kills.length}/${KILLS}; stories done exactly once: ${done.filter((r) => r.status === "done").length}/${ISSUES.length}; steps hit: ${[...hit].sort().join(", ")}; ` +
      `gate takeovers after a kill mid-gate: ${takeovers.length}, median ${takeovers[Math.floor(takeovers.length / 2)]?.toFixed(1)} s, max ${takeovers.at(-1)?.toFixed(1)} s (kill → job running again on the new replica, restart included)`,
  );
  expect(kills).toHaveLength(KILLS);
  expect(done.map((r) => [r.issue_number, r.status])).toEqual(ISSUES.map((n) => [n, "done"]));
  for (const r of done) {
    expect(github.issue(r.issue_number).comments, `#${r.issue_number} status comment`).toHaveLength(1);
    expect(github.issue(r.issue_number).comments[0]?.body).toContain("✅ done");
    expect([...github.issue(r.issue_number).labels]).toEqual(["wave:done"]);
    expect(github.fake.pulls.filter((p) => p.head.startsWith(`wave/${r.issue_number}-`))).toHaveLength(1);
    expect(github.fake.reviews.get(r.pull_request ?? 0)).toHaveLength(1);
    expect(gatesConclusion(r.head_sha ?? "")).toBe("success");
    // GHES: the app runs under GHE_HOST, and every link it writes points there.
    for (const writes of github.fake.checkRuns.values()) {
      const url = (writes[0] as { details_url?: string }).details_url;
      if (url) expect(url.startsWith(`http://${github.server.host}/`), url).toBe(true);
    }
    const toDone = (
      await client.query(`SELECT count(*)::int AS n FROM audit_events WHERE story_id = $1 AND to_state = 'done' AND from_state <> 'done'`, [
        r.id,
      ])
    ).rows[0].n;
    expect(toDone, `#${r.issue_number} transitions to done`).toBe(1);
  }
  const left = await new Docker().listContainers({ all: true, filters: { label: [`${LABELS.story}`] } });
  expect(left.filter((c) => done.some((r) => c.Labels[LABELS.story] === r.id))).toEqual([]);
  expect(github.server.undocumented).toEqual([]);
});
