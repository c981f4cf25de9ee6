import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { applyEvent } from "../../src/engine/apply-event.js";
import { createStory } from "../../src/engine/create-story.js";
import { silentLog, type EngineDeps } from "../../src/engine/deps.js";
import { defaultConfig } from "../../src/config/schema.js";
import { startQueue } from "../../src/jobs/queue.js";
import { createPool, type Pool } from "../../src/store/db.js";
import type { StoryEvent } from "../../src/story/events.js";
import { freshDatabase } from "../support/db.js";

/**
 * Two replicas (each with its own connection pool and queue client, as two
 * processes have) hammer one story. Optimistic versions must serialize them:
 * every applied event starts from the state the previous one left.
 */
describe("two replicas on one database", () => {
  let db: { url: string; drop: () => Promise<void> };
  const replicas: { pool: Pool; boss: PgBoss; deps: EngineDeps }[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    for (let i = 0; i < 2; i++) {
      const pool = createPool(db.url, 5);
      const boss = await startQueue(db.url, undefined, { supervise: false });
      replicas.push({ pool, boss, deps: { pool, boss, log: silentLog } });
    }
  });
  afterAll(async () => {
    for (const r of replicas) {
      await r.boss.stop({ graceful: false, wait: true });
      await r.pool.end();
    }
    await db.drop();
  });

  it("never apply two events of one story at once", async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error("replicas");
    const story = await createStory(a.deps, {
      installationId: 1,
      repoId: 99,
      owner: "octo-org",
      repo: "app",
      startedBy: "alice",
      story: { title: "t", body: "", acceptanceCriteria: [], domains: [], issueNumber: 5, url: "https://github.com/octo-org/app/issues/5" },
      config: defaultConfig(),
      orgStopped: null,
      deliveryId: "d",
    });
    if (!story) throw new Error("no story");
    const events: StoryEvent[] = [];
    for (let i = 0; i < 40; i++)
      events.push(i % 2 === 0 ? { type: "HOLD", by: `user${i}`, reason: `r${i}` } : { type: "UNHOLD", by: `user${i}` });
    // Each replica fires its events all at once, interleaved with the other's.
    const results = await Promise.all(events.map((e, i) => applyEvent((i % 2 === 0 ? a : b).deps, story.id, e)));
    const applied = results.filter((r) => r.applied).length;

    const row = (await a.pool.query(`SELECT version, status FROM stories WHERE id = $1`, [story.id])).rows[0];
    expect(row.version).toBe(1 + applied);
    const audit = (
      await a.pool.query(
        `SELECT from_state, to_state, detail FROM audit_events WHERE story_id = $1 AND event IN ('HOLD', 'UNHOLD') ORDER BY id`,
        [story.id],
      )
    ).rows;
    expect(audit).toHaveLength(events.length);
    // The applied events form one chain: each begins where the last one ended.
    let state = "plan.working";
    for (const entry of audit) {
      if (entry.detail.ignored) {
        expect(entry.from_state).toBe(state);
        continue;
      }
      expect(entry.from_state).toBe(state);
      state = entry.to_state;
    }
    expect(row.status).toBe(state.startsWith("held") ? "held" : "active");
    expect(applied).toBeGreaterThan(1);
  });
});
