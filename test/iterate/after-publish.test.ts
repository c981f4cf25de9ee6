import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import { afterPublish, SAME_CHANGE_REASON } from "../../src/iterate/after-publish.js";
import { iterationsIn, recordIteration, type NewIteration } from "../../src/iterate/iterations.js";
import { startQueue } from "../../src/jobs/queue.js";
import { createPool, withTransaction, type Pool } from "../../src/store/db.js";
import { insertStory } from "../../src/store/stories.js";
import { startStory } from "../../src/story/transition.js";
import { freshDatabase } from "../support/db.js";

/** The review gate's settling of iterations against real Postgres: replies, the same-change guard, merged queued feedback. */
let db: Awaited<ReturnType<typeof freshDatabase>>;
let pool: Pool;
let deps: EngineDeps;

beforeAll(async () => {
  db = await freshDatabase();
  pool = createPool(db.url);
  deps = { pool, boss: await startQueue(db.url), log: pino({ level: "silent" }) };
});
afterAll(async () => {
  await deps?.boss.stop({ graceful: false, wait: true });
  await pool?.end();
  await db?.drop();
});

let issue = 0;
async function story(): Promise<string> {
  issue++;
  const start = startStory({ startedBy: "starter", maxRecycles: 1, requirePlanApproval: false });
  const row = await withTransaction(pool, (tx) =>
    insertStory(tx, {
      installationId: 9,
      repoId: 77,
      owner: "octo-org",
      repo: "hello",
      issueNumber: issue,
      startedBy: "starter",
      story: { title: "t", body: "", acceptanceCriteria: [], domains: [], issueNumber: issue, url: "" },
      config: defaultConfig(),
      gate: "review",
      status: "active",
      snapshot: start.snapshot,
    }),
  );
  if (!row) throw new Error("no story");
  return row.id;
}

const iteration = (storyId: string, n: number, state: NewIteration["state"], headSha: string, comments: number[] = []): NewIteration => ({
  storyId,
  deliveryId: `${storyId}-${n}`,
  source: "review",
  sender: `reviewer${n}`,
  role: "write",
  reviewId: n,
  headSha,
  feedback: `feedback ${n}`,
  comments: comments.map((id) => ({ id, path: "a.js", line: 1 })),
  state,
});

const pendingReplies = async (storyId: string) =>
  (await pool.query(`SELECT effect FROM outbox WHERE story_id = $1 AND effect->>'kind' = 'thread-reply' ORDER BY id`, [storyId])).rows.map(
    (r) => r.effect as { commentId: number; body: string; key: string },
  );

describe("settling iterations once the change is on the branch", () => {
  it("answers every line comment of the running iterations, naming the commit, and starts nothing else", async () => {
    const id = await story();
    await recordIteration(pool, iteration(id, 1, "running", "a".repeat(40), [11, 12]));
    expect(await afterPublish(deps, id, 5, "b".repeat(40))).toBeNull();
    const replies = await pendingReplies(id);
    expect(replies.map((r) => r.commentId)).toEqual([11, 12]);
    for (const r of replies) expect(r.body).toContain(`Addressed in ${"b".repeat(40)}`);
    expect((await iterationsIn(pool, id, "published")).map((i) => i.resultSha)).toEqual(["b".repeat(40)]);
  });

  it("holds instead of answering when the attempt reproduced the head the feedback was given on", async () => {
    const id = await story();
    await recordIteration(pool, iteration(id, 1, "running", "c".repeat(40), [21]));
    expect(await afterPublish(deps, id, 5, "c".repeat(40))).toEqual({ type: "GATE_FAILED", by: "wave", reason: SAME_CHANGE_REASON });
    expect(await pendingReplies(id)).toEqual([]);
    expect(await iterationsIn(pool, id, "unchanged")).toHaveLength(1);
  });

  it("feedback queued while an iteration ran becomes one merged RECYCLE, started from the new head", async () => {
    const id = await story();
    await recordIteration(pool, iteration(id, 1, "running", "d".repeat(40)));
    await recordIteration(pool, iteration(id, 2, "queued", "d".repeat(40)));
    await recordIteration(pool, iteration(id, 3, "queued", "d".repeat(40)));
    const next = await afterPublish(deps, id, 5, "e".repeat(40));
    expect(next).toEqual({
      type: "RECYCLE",
      by: "reviewer2",
      role: "write",
      feedback: "Feedback 1 of 2:\nfeedback 2\n\nFeedback 2 of 2:\nfeedback 3",
    });
    const running = await iterationsIn(pool, id, "running");
    expect(running.map((i) => [i.deliveryId, i.headSha])).toEqual([
      [`${id}-2`, "e".repeat(40)],
      [`${id}-3`, "e".repeat(40)],
    ]);
    // Their attempt reproducing that head is the same-change case, not a second answer.
    expect(await afterPublish(deps, id, 5, "e".repeat(40))).toMatchObject({ type: "GATE_FAILED", reason: SAME_CHANGE_REASON });
  });

  it("a story with no iterations goes on as usual", async () => {
    expect(await afterPublish(deps, await story(), 5, "f".repeat(40))).toBeNull();
  });
});
