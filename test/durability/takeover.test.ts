import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { silentLog, type EngineDeps } from "../../src/engine/deps.js";
import { withLease } from "../../src/jobs/lease.js";
import { QUEUES, startQueue } from "../../src/jobs/queue.js";
import { takeOverStaleJobs } from "../../src/jobs/takeover.js";
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
});
