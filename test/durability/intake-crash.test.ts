import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnApp, type AppProcess } from "../support/app-process.js";
import { freshDatabase } from "../support/db.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { TEST_SECRET, waitFor } from "../support/test-keys.js";
import { deliver, githubExample } from "../support/webhook-examples.js";
import { seeded } from "./support/story-payloads.js";

/**
 * Exactly once after a crash at intake: the app as `npm start` runs it acknowledges the labelled
 * delivery, is SIGKILLed a seeded random 0–400 ms later (recording, queueing, creating the story,
 * posting the status comment: wherever that lands), is restarted on the same database, and the
 * story's status comment must exist exactly once within 30 s of the restart.
 */
const MOMENTS = Number(process.env.WAVE_INTAKE_KILLS ?? 5);
const SEED = Number(process.env.INTAKE_KILL_SEED ?? 11);

let db: { url: string; drop: () => Promise<void> };
let client: pg.Client;
let github: FakeGitHub;
let app: AppProcess | undefined;

beforeAll(async () => {
  db = await freshDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  github = await startFakeGitHub();
});
afterAll(async () => {
  await app?.stop().catch(() => undefined);
  await client?.end();
  await github?.close();
  await db?.drop();
});

function labeled(issueNumber: number): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { label: { name: string }; issue: Record<string, unknown> }>("issues", "labeled");
  p.label.name = "wave";
  Object.assign(p.issue, { number: issueNumber, title: "add() subtracts", body: "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n" });
  return { ...p, installation: { id: 78 } };
}

it(
  `the status comment exists exactly once within 30 s of a restart, after ${MOMENTS} SIGKILLs 0–400 ms after the labelled delivery is answered`,
  {
    timeout: 60_000 + MOMENTS * 60_000,
  },
  async () => {
    const random = seeded(SEED);
    const results: string[] = [];
    for (let round = 0; round < MOMENTS; round++) {
      const issue = 300 + round;
      const moment = Math.floor(random() * 400);
      app = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
      const res = await deliver(app.webhookUrl, TEST_SECRET, "issues", labeled(issue), `intake-crash-${SEED}-${round}`);
      expect(res.status).toBe(200);
      // The moment is the experiment's variable, not a wait for something.
      await new Promise((r) => setTimeout(r, moment));
      await app.kill();
      const postsBefore = github.requests.filter((r) => r.method === "POST" && r.path.endsWith(`/issues/${issue}/comments`)).length;
      app = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
      const restarted = Date.now();
      const story = await waitFor(
        async () => {
          const row = (
            await client.query(`SELECT id, status_comment_id FROM stories WHERE issue_number = $1 AND status_comment_id IS NOT NULL`, [
              issue,
            ])
          ).rows[0] as { id: string; status_comment_id: string } | undefined;
          return row;
        },
        30_000,
        `issue #${issue}'s status comment within 30 s of the restart (killed ${moment} ms after the answer)`,
      );
      const within = (Date.now() - restarted) / 1000;
      // Let anything still pending run out before counting: a second comment would show up now.
      await waitFor(
        async () =>
          (
            await client.query(`SELECT count(*)::int AS n FROM outbox WHERE story_id = $1 AND delivered_at IS NULL AND failed_at IS NULL`, [
              story.id,
            ])
          ).rows[0].n === 0,
        30_000,
        "the story's effects delivered",
      );
      const comments = (github.comments.get(`Codertocat/Hello-World#${issue}`) ?? []).filter((c) =>
        c.body.includes(`wave:story=${story.id}`),
      );
      const stories = (await client.query(`SELECT count(*)::int AS n FROM stories WHERE issue_number = $1`, [issue])).rows[0].n as number;
      results.push(
        `${moment} ms → ${comments.length} comment(s), ${stories} story, in ${within.toFixed(1)} s (${postsBefore} posted before the kill)`,
      );
      expect(stories, `#${issue} killed at ${moment} ms`).toBe(1);
      expect(
        comments.map((c) => c.id),
        `#${issue} killed at ${moment} ms`,
      ).toEqual([Number(story.status_comment_id)]);
      expect(within).toBeLessThanOrEqual(30);
      await app.stop();
      app = undefined;
    }
    console.log(`SIGKILL after the labelled delivery was answered (seed ${SEED}): ${results.join("; ")}`);
  },
);
