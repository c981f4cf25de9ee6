import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waveLabels } from "../../src/onboarding/labels.js";
import { spawnApp, type AppProcess } from "../support/app-process.js";
import { freshDatabase } from "../support/db.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { TEST_SECRET, waitFor } from "../support/test-keys.js";
import { deliver } from "../support/webhook-examples.js";
import { installationCreated, knowRepositories } from "./installation-payloads.js";

/**
 * The app as a real process (`npm start`'s entry), killed with SIGKILL in the middle of
 * onboarding and started again on the same database: it resumes where it stopped and
 * no label is created twice. Pacing is tight (10 content requests per 10.5 s) so the kill
 * lands while jobs are waiting for their slot or talking to GitHub.
 */
describe("onboarding survives SIGKILL", () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  let github: FakeGitHub;
  const running: AppProcess[] = [];
  // GitHub's minute lasts 10 s here: the pacer's 5 % margin (500 ms) then outlasts the arrival jitter of a loaded machine.
  const env = { WAVE_PACE_TIME_SCALE: "6", WAVE_CONTENT_PER_MINUTE: "10", WAVE_ONBOARD_CONCURRENCY: "2", WAVE_ONBOARD_EXPIRE_SECONDS: "4" };

  beforeAll(async () => {
    db = await freshDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    github = await startFakeGitHub({ contentLimits: [{ max: 10, windowMs: 10_000 }] });
  });
  afterAll(async () => {
    for (const app of running) await app.stop().catch(() => undefined);
    await client.end();
    await db.drop();
    await github.close();
  });

  const done = async () =>
    Number((await client.query(`SELECT count(*)::int AS n FROM wave_onboarding WHERE done_at IS NOT NULL`)).rows[0].n);

  it("resumes without duplicates", { timeout: 180_000 }, async () => {
    const event = installationCreated(29);
    knowRepositories(github, event);
    const repos = [...github.installationRepos.keys()];
    expect(repos).toHaveLength(30);

    const first = await spawnApp({ databaseUrl: db.url, githubHost: github.host, env });
    running.push(first);
    expect((await deliver(first.webhookUrl, TEST_SECRET, "installation", event, "crash-install")).status).toBe(200);
    await waitFor(async () => (await done()) >= 6, 90_000, "some repositories onboarded");
    await first.kill();
    const atKill = await done();
    expect(atKill).toBeLessThan(repos.length);

    const second = await spawnApp({ databaseUrl: db.url, githubHost: github.host, env });
    running.push(second);
    // GitHub redelivers the event too: nothing is queued twice.
    await deliver(second.webhookUrl, TEST_SECRET, "installation", event, "crash-install");
    await waitFor(async () => (await done()) === repos.length, 150_000, "every repository onboarded after the restart");

    const labels = waveLabels("wave").map((l) => l.name);
    expect([...github.labelCreations].sort()).toEqual(repos.flatMap((r) => labels.map((l) => `${r}:${l}`)).sort());
    for (const r of repos) expect([...(github.repoLabels.get(r)?.keys() ?? [])]).toEqual(labels);
    expect(github.secondaryLimited).toBe(0);
    expect(github.undocumented).toEqual([]);
    await second.stop();
  });
});
