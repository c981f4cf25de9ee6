import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEvent } from "../../src/engine/apply-event.js";
import { silentLog } from "../../src/engine/deps.js";
import { startNotifier } from "../../src/notify/notifier.js";
import { addNotification } from "../../src/notify/store-notifications.js";
import { notifySection } from "../../src/config/sections/notify.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { githubExample } from "../support/webhook-examples.js";

/** A local stand-in for Slack's incoming webhooks: records every message; answers 500 while `down`. */
async function startSlackReceiver() {
  const received: { path: string; text: string; at: number }[] = [];
  const state = { down: false, attempts: 0 };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      state.attempts++;
      if (state.down) {
        res.writeHead(500).end("internal_error");
        return;
      }
      received.push({ path: req.url ?? "", text: (JSON.parse(body) as { text: string }).text, at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return { url, received, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("Slack notifications", () => {
  let github: FakeGitHub;
  let app: TestApp;
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let storyId: string;

  beforeAll(async () => {
    github = await startFakeGitHub();
    slack = await startSlackReceiver();
    github.configs.set(
      "Codertocat/Hello-World",
      [
        "notify:",
        "  slack:",
        "    routes:",
        "      - webhook_env: SLACK_OPS",
        "        min_severity: warning",
        "      - webhook_env: SLACK_UNSET",
        "        events: [killed]",
      ].join("\n"),
    );
    app = await startTestApp({ githubBaseUrl: github.url });
    const payload = githubExample<Record<string, unknown> & { label: { name: string } }>("issues", "labeled");
    payload.label.name = "wave";
    await app.send("issues", { ...payload, installation: { id: 77 } });
    storyId = await waitFor(
      async () => (await app.pool.query(`SELECT id FROM stories WHERE issue_number = 1`)).rows[0]?.id as string | undefined,
      30_000,
      "the story",
    );
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await github?.close();
  });

  it("sends a hold once, after a Slack outage, without holding up the story's own effects", async () => {
    const deps = { pool: app.pool, boss: app.boss, log: silentLog };
    slack.state.down = true;
    const notifier = startNotifier(deps, { pollMs: 100, minGapMs: 300, env: { SLACK_OPS: `${slack.url}/ops` } });
    try {
      await applyEvent(deps, storyId, { type: "HOLD", by: "octo", reason: "waiting for the design review" });
      // Slack is down, yet the status comment follows the hold at once.
      await waitFor(
        async () => (github.comments.get("Codertocat/Hello-World#1") ?? [])[0]?.body.includes("waiting for the design review"),
        30_000,
        "the status comment",
      );
      await waitFor(async () => slack.state.attempts >= 1, 20_000, "a first attempt");
      const failed = await app.pool.query(`SELECT attempts, last_error, sent_at FROM notifications WHERE story_id = $1`, [storyId]);
      expect(failed.rows).toHaveLength(1);
      expect(failed.rows[0].sent_at).toBeNull();
      expect(failed.rows[0].last_error).toBeTruthy();

      slack.state.down = false;
      await waitFor(async () => slack.received.length === 1, 30_000, "the notification after the outage");
      expect(slack.received[0]?.path).toBe("/ops");
      expect(slack.received[0]?.text).toContain("Held <");
      expect(slack.received[0]?.text).toContain("waiting for the design review");

      // Replaying the same event changes nothing (the story is already held by it): no second message.
      await applyEvent(deps, storyId, { type: "HOLD", by: "octo", reason: "waiting for the design review" });
      await notifier.tick();
      expect(slack.received).toHaveLength(1);

      // Kill: two routes match; the one whose secret is not in the environment is recorded, not retried.
      await applyEvent(deps, storyId, { type: "KILL", by: "octo", reason: "superseded by #2" });
      await waitFor(async () => slack.received.length === 2, 30_000, "the kill notification");
      await waitFor(
        async () =>
          (await app.pool.query(`SELECT 1 FROM notifications WHERE webhook_env = 'SLACK_UNSET' AND last_error IS NOT NULL`)).rowCount === 1,
        10_000,
        "the unset route recorded",
      );
      const parked = (
        await app.pool.query(
          `SELECT attempts, last_error, next_attempt_at = 'infinity' AS parked FROM notifications WHERE webhook_env = 'SLACK_UNSET'`,
        )
      ).rows[0];
      expect(parked).toMatchObject({ attempts: 1, parked: true });
      expect(parked.last_error).toMatch(/SLACK_UNSET is not set/);
      // Rate limit: a burst to one webhook goes out at least minGapMs apart.
      const config = notifySection.parse({ slack: { routes: [{ webhook_env: "SLACK_OPS" }] } });
      for (let i = 0; i < 3; i++)
        await addNotification(
          app.pool,
          { event: "held", severity: "warning", text: `burst ${i}` },
          { key: `burst:${i}`, storyId, owner: "Codertocat", repo: "Hello-World", config },
        );
      await waitFor(async () => slack.received.length === 5, 30_000, "the burst");
      const burst = slack.received.slice(2);
      expect(burst.map((m) => m.text)).toEqual(["burst 0", "burst 1", "burst 2"]);
      for (let i = 1; i < burst.length; i++) expect((burst[i]?.at ?? 0) - (burst[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(290);
    } finally {
      await notifier.stop();
    }
  });
});
