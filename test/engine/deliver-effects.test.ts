import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { defaultConfig } from "../../src/config/schema.js";
import { createStory } from "../../src/engine/create-story.js";
import { deliverEffects } from "../../src/engine/deliver-effects.js";
import { silentLog, type EngineDeps } from "../../src/engine/deps.js";
import type { GitHubClient } from "../../src/github/client.js";
import { GitHubError, GitHubPermissionMissing } from "../../src/github/errors.js";
import { startQueue } from "../../src/jobs/queue.js";
import { createPool, type Pool } from "../../src/store/db.js";
import { addEffects } from "../../src/store/outbox.js";
import { freshDatabase } from "../support/db.js";
import { fakeGitHubPort } from "../support/fake-github-port.js";

/**
 * The outbox's delivery rules over a fake GitHub port and real Postgres: a write GitHub refuses
 * for good is dead-lettered with its reason and shown, a transient failure stays pending, and
 * neither stops the rows behind it.
 */
describe("deliverEffects", () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let boss: PgBoss;
  let deps: EngineDeps;
  beforeAll(async () => {
    db = await freshDatabase();
    pool = createPool(db.url, 5);
    boss = await startQueue(db.url, undefined, { supervise: false });
    deps = { pool, boss, log: silentLog };
  });
  afterAll(async () => {
    await boss.stop({ graceful: false, wait: true });
    await pool.end();
    await db.drop();
  });

  async function story(n: number): Promise<string> {
    const s = await createStory(deps, {
      installationId: 1,
      repoId: 99,
      owner: "octo-org",
      repo: "app",
      startedBy: "alice",
      story: {
        title: "t",
        body: "",
        acceptanceCriteria: [],
        domains: [],
        issueNumber: n,
        url: `https://github.com/octo-org/app/issues/${n}`,
      },
      config: defaultConfig(),
      orgStopped: null,
      deliveryId: `d${n}`,
    });
    if (!s) throw new Error("no story");
    return s.id;
  }
  const fields = (status: number, githubMessage: string, route: string) => ({ status, githubMessage, route, requestId: undefined });
  const rows = async (id: string) =>
    (
      await pool.query(
        `SELECT effect->>'kind' AS kind, delivered_at IS NOT NULL AS delivered, failed_at IS NOT NULL AS failed, last_error FROM outbox WHERE story_id = $1 ORDER BY id`,
        [id],
      )
    ).rows;

  it("dead-letters a permanent refusal with GitHub's words, delivers the rest, and shows the refusal on the next render", async () => {
    const id = await story(1);
    await pool.query(`UPDATE outbox SET delivered_at = now() WHERE story_id = $1`, [id]);
    let locked = true;
    const port = fakeGitHubPort({
      ensureStatusComment: () =>
        locked
          ? new GitHubError(
              "refused",
              fields(403, "Unable to create comment because issue is locked.", "POST /repos/octo-org/app/issues/1/comments"),
            )
          : undefined,
      react: () =>
        new GitHubPermissionMissing(
          "Issues: read and write",
          fields(403, "Resource not accessible by integration", "POST /repos/octo-org/app/issues/comments/9/reactions"),
        ),
    });
    await addEffects(pool as never, id, [
      { kind: "sync-issue" },
      { kind: "reply", issueNumber: 1, key: "k1", body: "hello" },
      { kind: "sync-checks" },
    ]);
    const ports = {
      github: { forInstallation: async () => ({}) as GitHubClient },
      sandbox: { stopStory: async () => undefined },
      facts: { extras: async () => ({}) },
      port: () => port,
    };
    expect(await deliverEffects(deps, ports, id)).toBe(2);
    expect(await rows(id).then((r) => r.slice(-3))).toEqual([
      {
        kind: "sync-issue",
        delivered: false,
        failed: true,
        last_error:
          "could not update the status comment or labels: 403 Unable to create comment because issue is locked. (POST /repos/octo-org/app/issues/1/comments)",
      },
      { kind: "reply", delivered: true, failed: false, last_error: null },
      { kind: "sync-checks", delivered: true, failed: false, last_error: null },
    ]);
    // The next transition's render carries the refusal where the user looks.
    locked = false;
    await addEffects(pool as never, id, [{ kind: "sync-issue" }]);
    await deliverEffects(deps, ports, id);
    const last = port.calls.filter((c) => c.method === "ensureStatusComment").at(-1);
    expect(last?.args[1]).toMatchObject({ problems: [expect.stringContaining("could not update the status comment or labels: 403")] });
  });

  it("keeps a transient failure pending without holding back the rows behind it, then fails the job so it retries", async () => {
    const id = await story(2);
    await pool.query(`UPDATE outbox SET delivered_at = now() WHERE story_id = $1`, [id]);
    const port = fakeGitHubPort({
      ensureStatusComment: () => new GitHubError("bad gateway", fields(502, "Bad Gateway", "PATCH /repos/octo-org/app/issues/comments/1")),
    });
    await addEffects(pool as never, id, [
      { kind: "sync-issue" },
      { kind: "stop-sandbox" },
      { kind: "reply", issueNumber: 2, key: "k2", body: "hi" },
    ]);
    let dockerUp = false;
    const ports = {
      github: { forInstallation: async () => ({}) as GitHubClient },
      sandbox: {
        stopStory: async () => {
          if (!dockerUp) throw new Error("connect ENOENT /var/run/docker.sock");
        },
      },
      facts: { extras: async () => ({}) },
      port: () => port,
    };
    await expect(deliverEffects(deps, ports, id)).rejects.toThrow("bad gateway");
    expect((await rows(id)).slice(-3).map((r) => [r.kind, r.delivered, r.failed])).toEqual([
      ["sync-issue", false, false],
      ["stop-sandbox", false, false],
      ["reply", true, false],
    ]);
    // GitHub and Docker back: the same rows deliver, nothing was lost.
    dockerUp = true;
    port.calls.length = 0;
    const healed = fakeGitHubPort();
    expect(await deliverEffects(deps, { ...ports, port: () => healed }, id)).toBe(2);
    expect(healed.calls.map((c) => c.method)).toEqual(["ensureStatusComment"]);
  });
});
