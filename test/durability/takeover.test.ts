import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { silentLog, type EngineDeps } from "../../src/engine/deps.js";
import { LeaseLost, withLease } from "../../src/jobs/lease.js";
import { createStory } from "../../src/engine/create-story.js";
import { runGateJob } from "../../src/engine/run-gate.js";
import { defaultConfig } from "../../src/config/schema.js";
import { QUEUES, startQueue } from "../../src/jobs/queue.js";
import { MAX_TAKEOVERS, takeOverStaleJobs } from "../../src/jobs/takeover.js";
import { startSweeps } from "../../src/jobs/sweeps.js";
import { createPool, type Pool } from "../../src/store/db.js";
import { freshDatabase } from "../support/db.js";
import { waitFor } from "../support/test-keys.js";

/**
 * The heartbeat and the takeover sweep against real pg-boss tables: a job whose worker keeps
 * renewing its lease is left alone however long it runs; one whose worker went silent is failed
 * into its retry, and its story's sandboxes are stopped in the same pass.
 */
describe("job leases", () => {
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

  const state = async (id: string) =>
    (await pool.query(`SELECT state, retry_count FROM pgboss.job WHERE id = $1`, [id])).rows[0] as { state: string; retry_count: number };
  /** A story at its plan gate, in repository `repoId`, issue `issueNumber`. */
  async function planningStory(repoId: number, issueNumber: number, deliveryId: string) {
    const story = await createStory(deps, {
      installationId: 1,
      repoId,
      owner: "octo-org",
      repo: "hello",
      startedBy: "octocat",
      story: { title: "t", body: "", acceptanceCriteria: ["a"], domains: [], issueNumber, url: "" },
      config: defaultConfig(),
      orgStopped: null,
      deliveryId,
    });
    if (!story) throw new Error("no story");
    return story;
  }
  async function activeGateJob(storyId: string): Promise<string> {
    await boss.send(QUEUES.gate, { storyId, gate: "plan", version: 1 }, { singletonKey: storyId });
    const [job] = await boss.fetch<{ storyId: string }>(QUEUES.gate);
    if (!job) throw new Error("no job fetched");
    return job.id;
  }

  it("takes over a job whose worker stopped renewing, and reaps its story's sandboxes", async () => {
    const storyId = "00000000-0000-4000-8000-000000000001";
    const id = await activeGateJob(storyId);
    // A worker renewed once, then died: its lease is older than the 2 s lease.
    await pool.query(`INSERT INTO job_leases (job_id, queue, worker, renewed_at) VALUES ($1, $2, 'dead', now() - interval '3 seconds')`, [
      id,
      QUEUES.gate,
    ]);
    const stopped: string[] = [];
    const sweeps = startSweeps(deps, { stopStory: async (s) => void stopped.push(s) }, { leaseSeconds: 2, everySeconds: 3600 });
    await sweeps.run();
    sweeps.stop();
    expect(await state(id)).toMatchObject({ state: "retry" });
    expect(stopped).toEqual([storyId]);
    expect((await pool.query(`SELECT 1 FROM job_leases WHERE job_id = $1`, [id])).rowCount).toBe(0);
    // A second replica sweeping the same moment finds nothing left to take.
    expect(await takeOverStaleJobs(deps, 2)).toEqual([]);
  });

  it("takes over a job that died before its first renewal, by its start time", async () => {
    const id = await activeGateJob("00000000-0000-4000-8000-000000000002");
    await pool.query(`UPDATE pgboss.job SET started_on = now() - interval '5 seconds' WHERE id = $1`, [id]);
    expect((await takeOverStaleJobs(deps, 2)).map((t) => t.id)).toEqual([id]);
  });

  it("leaves a job alone while its worker renews the lease, however long it runs", async () => {
    const id = await activeGateJob("00000000-0000-4000-8000-000000000003");
    let swept = 0;
    let taken = 0;
    await withLease(pool, { id, queue: QUEUES.gate }, { leaseSeconds: 2, renewSeconds: 0.2 }, async () => {
      // Several whole leases pass while the work runs.
      const until = Date.now() + 5_000;
      await waitFor(
        async () => {
          taken += (await takeOverStaleJobs(deps, 2)).length;
          swept++;
          return Date.now() > until;
        },
        30_000,
        "five seconds of sweeping",
      );
    });
    expect(swept).toBeGreaterThan(3);
    expect(taken).toBe(0);
    expect(await state(id)).toMatchObject({ state: "active" });
    expect((await pool.query(`SELECT 1 FROM job_leases WHERE job_id = $1`, [id])).rowCount).toBe(0);
  });

  it(
    "a taken-over worker that is still alive is told through its signal, stops, and its result is never applied",
    { timeout: 60_000 },
    async () => {
      const story = await planningStory(8801, 88, "takeover-alive");
      const id = await activeGateJob(story.id);
      const job = { storyId: story.id, gate: "plan" as const, version: 1 };
      const planned = (by: string) => ({ type: "PLAN_READY" as const, by, summary: `plan by ${by}` });

      // Worker A runs the gate; its event loop "pauses" (it waits) while the sweep hands the job to worker B.
      let seenByA: AbortSignal | undefined;
      let resumeA: () => void = () => undefined;
      const aPaused = new Promise<void>((r) => (resumeA = r));
      const a = withLease(pool, { id, queue: QUEUES.gate }, { leaseSeconds: 2, renewSeconds: 0.2 }, (signal) =>
        runGateJob(
          deps,
          {
            plan: async (_story, _snapshot, j) => {
              seenByA = j.signal;
              await aPaused;
              return planned("worker-a");
            },
          },
          job,
          { isLast: false, jobId: id, signal },
        ),
      );
      await waitFor(async () => seenByA !== undefined, 10_000, "worker A to start the gate");
      // The takeover: the lease is now worker B's (the sweep deleted A's row, B claimed it on its start).
      await pool.query(`UPDATE job_leases SET worker = 'worker-b', renewed_at = now() WHERE job_id = $1`, [id]);
      const b = await runGateJob(deps, { plan: async () => planned("worker-b") }, job, { isLast: false, jobId: id });
      expect(b).toBe("plan: PLAN_READY");
      // A's next renewal finds another owner: its signal aborts with LeaseLost, and it does not take the lease back.
      await waitFor(async () => seenByA?.aborted === true, 10_000, "worker A's signal to abort");
      expect(seenByA?.reason).toBeInstanceOf(LeaseLost);
      resumeA();
      expect(await a).toBe("plan: taken over, result dropped");
      const owner = (await pool.query(`SELECT worker FROM job_leases WHERE job_id = $1`, [id])).rows[0] as { worker: string } | undefined;
      expect(owner?.worker).toBe("worker-b");
      const applied = await pool.query(`SELECT actor, detail FROM audit_events WHERE story_id = $1 AND event = 'PLAN_READY'`, [story.id]);
      expect(applied.rows.map((r: { actor: string }) => r.actor)).toEqual(["worker-b"]);
    },
  );
  it("a job taken over and picked up again by the same process: the old run neither renews nor deletes the new run's lease", async () => {
    const id = await activeGateJob("00000000-0000-4000-8000-000000000004");
    const tuning = { leaseSeconds: 2, renewSeconds: 0.2 };
    let oldSignal: AbortSignal | undefined;
    let endOld: () => void = () => undefined;
    const oldRun = withLease(pool, { id, queue: QUEUES.gate }, tuning, async (signal) => {
      oldSignal = signal;
      await new Promise<void>((r) => (endOld = r));
    });
    await waitFor(async () => oldSignal !== undefined, 10_000, "the first run to start");
    let newSignal: AbortSignal | undefined;
    let endNew: () => void = () => undefined;
    // The same process (same WORKER_ID) starts the job again, as after a takeover of a stalled run.
    const newRun = withLease(pool, { id, queue: QUEUES.gate }, tuning, async (signal) => {
      newSignal = signal;
      await new Promise<void>((r) => (endNew = r));
    });
    await waitFor(async () => oldSignal?.aborted === true, 10_000, "the old run to learn it lost its lease");
    expect(oldSignal?.reason).toBeInstanceOf(LeaseLost);
    endOld();
    await oldRun;
    // The new run's lease survives the old run's end, and the new run keeps renewing it.
    const before = (await pool.query(`SELECT renewed_at FROM job_leases WHERE job_id = $1`, [id])).rows[0] as
      { renewed_at: Date } | undefined;
    expect(before).toBeDefined();
    await waitFor(
      async () => {
        const row = (await pool.query(`SELECT renewed_at FROM job_leases WHERE job_id = $1`, [id])).rows[0] as
          { renewed_at: Date } | undefined;
        return row !== undefined && row.renewed_at.getTime() > before!.renewed_at.getTime();
      },
      10_000,
      "the new run to renew its lease",
    );
    expect(newSignal?.aborted).toBe(false);
    endNew();
    await newRun;
    expect((await pool.query(`SELECT 1 FROM job_leases WHERE job_id = $1`, [id])).rowCount).toBe(0);
  });
  it(
    "a crash gives its try back, up to MAX_TAKEOVERS; a job whose worker keeps dying then holds its story instead of stalling it",
    { timeout: 60_000 },
    async () => {
      const story = await planningStory(8802, 89, "takeover-exhausted");
      await boss.send(QUEUES.gate, { storyId: story.id, gate: "plan", version: 1 }, { singletonKey: story.id });
      const sweeps = startSweeps(deps, { stopStory: async () => undefined }, { leaseSeconds: 0, everySeconds: 3600 });
      let id = "";
      let taken = 0;
      let triesLeft = -1;
      for (;;) {
        const [job] = await boss.fetch<{ storyId: string }>(QUEUES.gate);
        if (!job) break;
        if (job.data.storyId !== story.id) continue;
        id = job.id;
        await sweeps.run();
        taken++;
        const row = (await pool.query(`SELECT state, retry_count, retry_limit FROM pgboss.job WHERE id = $1`, [id])).rows[0] as {
          state: string;
          retry_count: number;
          retry_limit: number;
        };
        // The first MAX_TAKEOVERS crashes cost the job nothing: its limit grows with its count.
        const left = row.retry_limit - row.retry_count;
        if (taken === 1) triesLeft = left;
        if (taken <= MAX_TAKEOVERS) expect(left).toBe(triesLeft);
        // And they do not count as tries either: the queue's backoff after a real failure grows with the count.
        if (taken <= MAX_TAKEOVERS) expect(row.retry_count).toBe(0);
        if (row.state === "failed") break;
        expect(row.state).toBe("retry");
        expect(taken).toBeLessThan(50);
      }
      sweeps.stop();
      // MAX_TAKEOVERS crashes given back, then the tries the queue gives a failing gate, then failed for good.
      expect(triesLeft).toBeGreaterThan(0);
      expect(taken).toBeGreaterThan(MAX_TAKEOVERS + 1);
      expect(taken).toBeLessThanOrEqual(MAX_TAKEOVERS + triesLeft + 1);
      const held = (await pool.query(`SELECT status FROM stories WHERE id = $1`, [story.id])).rows[0] as { status: string };
      expect(held.status).toBe("held");
      const failed = (await pool.query(`SELECT detail FROM audit_events WHERE story_id = $1 AND event = 'GATE_FAILED'`, [story.id])).rows;
      expect(JSON.stringify(failed)).toContain(`stopped ${taken} time(s) before it finished`);
    },
  );
});
