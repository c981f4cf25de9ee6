import { Octokit } from "@octokit/rest";
import nock from "nock";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../../src/config/schema.js";
import { createStory } from "../../src/engine/create-story.js";
import { silentLog, type EngineDeps } from "../../src/engine/deps.js";
import { syncIssue } from "../../src/github/ensure-status-comment.js";
import { startQueue } from "../../src/jobs/queue.js";
import { createPool, type Pool } from "../../src/store/db.js";
import { loadStory, type StoryRow } from "../../src/store/stories.js";
import { sampleEvents as e, type StoryEvent } from "../../src/story/events.js";
import { readSnapshot, stampDecisions } from "../../src/story/snapshot.js";
import { statusOf, transition } from "../../src/story/transition.js";
import { freshDatabase } from "../support/db.js";
import { githubScope, watchUndocumentedRequests } from "../support/github-nock.js";

/**
 * The status comment through an iteration on the open PR, over real Postgres and nocked GitHub
 * (every request held against GitHub's REST description): written when the iteration starts,
 * not for the gates it passes, and at once for a refused write, a hold and the iteration's end.
 */
describe("the status comment during an iteration", () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  let boss: PgBoss;
  let deps: EngineDeps;
  const octokit = new Octokit({
    auth: "ghs_test",
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  const bodies: string[] = [];
  let watch: ReturnType<typeof watchUndocumentedRequests>;
  beforeAll(async () => {
    nock.disableNetConnect();
    db = await freshDatabase();
    pool = createPool(db.url, 3);
    boss = await startQueue(db.url, undefined, { supervise: false });
    deps = { pool, boss, log: silentLog };
    watch = watchUndocumentedRequests();
    const scope = githubScope();
    scope.post("/repos/octo-org/app/issues/61/comments").reply((_uri, body) => {
      bodies.push((body as { body: string }).body);
      return [201, { id: 7001, body: (body as { body: string }).body }];
    });
    scope.patch("/repos/octo-org/app/issues/comments/7001").reply((_uri, body) => {
      bodies.push((body as { body: string }).body);
      return [200, { id: 7001, body: (body as { body: string }).body }];
    });
    scope.post(/\/repos\/octo-org\/app\/issues\/61\/labels/).reply(200, []);
    scope.delete(/\/repos\/octo-org\/app\/issues\/61\/labels\/.*/).reply(200, []);
  });
  afterAll(async () => {
    expect(watch.undocumented).toEqual([]);
    watch.stop();
    nock.cleanAll();
    await boss.stop({ graceful: false, wait: true });
    await pool.end();
    await db.drop();
  });

  let clock = 0;
  /** Applies `event` to the stored story as the engine would (decisions stamped) and returns the row. */
  async function apply(id: string, event: StoryEvent): Promise<StoryRow> {
    const row = (await loadStory(pool, id)) as StoryRow;
    const next = transition(readSnapshot(row.snapshot, row.machineVersion), event);
    expect(next.changed, event.type).toBe(true);
    const snapshot = stampDecisions(next.snapshot, new Date(Date.UTC(2026, 11, 1, 1, 0, clock++)).toISOString());
    await pool.query(`UPDATE stories SET snapshot = $2, status = $3 WHERE id = $1`, [
      id,
      JSON.stringify({ value: snapshot.value, context: snapshot.context }),
      statusOf(snapshot),
    ]);
    return (await loadStory(pool, id)) as StoryRow;
  }

  it("is written at the iteration's start, not for build → verify → safety → review, and at once for a refused write, a hold and the end", async () => {
    const created = await createStory(deps, {
      installationId: 1,
      repoId: 98,
      owner: "octo-org",
      repo: "app",
      startedBy: "alice",
      story: {
        title: "t",
        body: "",
        acceptanceCriteria: [],
        domains: [],
        issueNumber: 61,
        url: "https://github.com/octo-org/app/issues/61",
      },
      config: defaultConfig(),
      orgStopped: null,
      deliveryId: "d61",
    });
    if (!created) throw new Error("no story");
    const id = created.id;
    let row: StoryRow = (await loadStory(pool, id)) as StoryRow;
    for (const event of [e.PLAN_READY, e.PREFLIGHT_PASSED, e.BUILD_DONE, e.VERIFY_PASSED, e.SAFETY_PASSED, e.REVIEW_DONE]) {
      row = await apply(id, event);
    }
    await syncIssue(octokit, pool, row);
    expect(bodies).toHaveLength(1);
    expect(bodies.at(-1)).toContain("🟡 waiting for a human");

    // A review sends it back: the comment says the iteration runs, once.
    await syncIssue(octokit, pool, await apply(id, e.RECYCLE));
    expect(bodies).toHaveLength(2);
    expect(bodies.at(-1)).toContain("**Iterating on PR #7:**");
    for (const event of [e.BUILD_DONE, e.VERIFY_PASSED]) await syncIssue(octokit, pool, await apply(id, event));
    expect(bodies).toHaveLength(2);

    // A write GitHub refused for good is shown at once, iteration or not.
    await syncIssue(octokit, pool, (await loadStory(pool, id)) as StoryRow, { problems: ["GitHub refused to add the label"] });
    expect(bodies).toHaveLength(3);
    expect(bodies.at(-1)).toContain("GitHub refused to add the label");

    // A person's hold is shown at once; lifted, the iteration is shown again.
    await syncIssue(octokit, pool, await apply(id, e.HOLD));
    expect(bodies).toHaveLength(4);
    expect(bodies.at(-1)).toContain("🟠 held");
    expect(bodies.at(-1)).not.toContain("Iterating on PR");
    await syncIssue(octokit, pool, await apply(id, e.UNHOLD));
    expect(bodies).toHaveLength(5);
    expect(bodies.at(-1)).toContain("**Iterating on PR #7:**");

    // The iteration ends when the story waits on its PR again.
    await syncIssue(octokit, pool, await apply(id, e.SAFETY_PASSED));
    expect(bodies).toHaveLength(5);
    await syncIssue(octokit, pool, await apply(id, e.REVIEW_DONE));
    expect(bodies).toHaveLength(6);
    expect(bodies.at(-1)).toContain("🟡 waiting for a human");
    expect(bodies.at(-1)).not.toContain("Iterating on PR");
  });
});
