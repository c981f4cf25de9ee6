import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { freshDatabase } from "../support/db.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { spawnApp, type AppProcess } from "../support/app-process.js";
import { TEST_SECRET, waitFor } from "../support/test-keys.js";
import { deliver, githubExample } from "../support/webhook-examples.js";

/**
 * Crash safety with the app as a real process, killed with SIGKILL at the
 * worst moments, then restarted on the same database.
 */
describe("crash safety", () => {
  let db: { url: string; drop: () => Promise<void> };
  let client: pg.Client;
  let github: FakeGitHub;
  const running: AppProcess[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    for (const app of running) await app.stop().catch(() => undefined);
    await client.end();
    await db.drop();
  });

  function labeled(issueNumber: number) {
    const p = githubExample<Record<string, unknown> & { label: { name: string }; issue: { number: number } }>("issues", "labeled");
    p.label.name = "wave";
    p.issue.number = issueNumber;
    return { ...p, installation: { id: 77 } };
  }
  const count = async (sql: string, values: unknown[] = []) => (await client.query(sql, values)).rows[0].n as number;
  const commentPosts = (issue: number) =>
    github.requests.filter((r) => r.method === "POST" && r.path === `/repos/Codertocat/Hello-World/issues/${issue}/comments`).length;

  it(
    "delivers each effect exactly once when killed between the commit of a transition and the delivery of its effects",
    { timeout: 180_000 },
    async () => {
      github = await startFakeGitHub();
      // A replica that records and transitions but delivers no effects: the kill lands between commit and delivery.
      const first = await spawnApp({ databaseUrl: db.url, githubHost: github.host, env: { WAVE_EFFECTS_CONCURRENCY: "0" } });
      running.push(first);
      const payload = labeled(11);
      expect((await deliver(first.webhookUrl, TEST_SECRET, "issues", payload, "crash-a-1")).status).toBe(200);
      await waitFor(
        async () =>
          (await count(
            `SELECT count(*)::int AS n FROM outbox o JOIN stories s ON s.id = o.story_id WHERE s.issue_number = 11 AND o.delivered_at IS NULL`,
          )) > 0,
        30_000,
        "committed transition with pending effects",
      );
      await first.kill();
      expect(commentPosts(11)).toBe(0);

      const second = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
      running.push(second);
      await waitFor(
        async () => (await count(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`)) === 0 && commentPosts(11) === 1,
        60_000,
        "effects delivered after restart",
      );
      // Every webhook delivered twice: nothing changes.
      await deliver(second.webhookUrl, TEST_SECRET, "issues", payload, "crash-a-1");
      await deliver(second.webhookUrl, TEST_SECRET, "issues", payload, "crash-a-2");
      await waitFor(
        async () => (await count(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL`)) === 0,
        30_000,
        "deliveries processed",
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(commentPosts(11)).toBe(1);
      expect(github.comments.get("Codertocat/Hello-World#11")).toHaveLength(1);
      expect(await count(`SELECT count(*)::int AS n FROM stories WHERE issue_number = 11`)).toBe(1);
      await second.stop();
    },
  );

  it("processes a delivery that was acknowledged but never queued before the replica died", { timeout: 180_000 }, async () => {
    // What a replica leaves behind when it dies right after answering GitHub: a recorded, unqueued delivery.
    await client.query(
      `INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, repository, payload) VALUES ($1, 'issues', 'labeled', 77, 'Codertocat/Hello-World', $2)`,
      ["crash-c-1", JSON.stringify(labeled(13))],
    );
    const app = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
    running.push(app);
    await waitFor(
      async () => (await count(`SELECT count(*)::int AS n FROM stories WHERE issue_number = 13`)) === 1,
      30_000,
      "story from the orphaned delivery",
    );
    await waitFor(async () => commentPosts(13) === 1, 30_000, "its status comment");
    await app.stop();
  });

  it("posts the status comment once when killed while GitHub was creating it", { timeout: 180_000 }, async () => {
    github.hang.add("POST /repos/Codertocat/Hello-World/issues/12/comments");
    const first = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
    running.push(first);
    await deliver(first.webhookUrl, TEST_SECRET, "issues", labeled(12), "crash-b-1");
    await waitFor(async () => commentPosts(12) === 1, 30_000, "comment POST reached GitHub");
    // GitHub made the comment, the app never heard back, and now the app dies.
    await first.kill();
    github.hang.clear();

    const second = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
    running.push(second);
    await waitFor(
      async () => (await count(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`)) === 0,
      90_000,
      "effects delivered after restart",
    );
    // Found again by its hidden marker and edited, not posted twice.
    expect(github.comments.get("Codertocat/Hello-World#12")).toHaveLength(1);
    const storyId = (await client.query(`SELECT id, status_comment_id FROM stories WHERE issue_number = 12`)).rows[0];
    expect(Number(storyId.status_comment_id)).toBe(github.comments.get("Codertocat/Hello-World#12")?.[0]?.id);
    await second.stop();
    expect(github.undocumented).toEqual([]);
    await github.close();
  });
});
