import type PgBoss from "pg-boss";
import { QUEUES } from "../../jobs/queue.js";
import type { Pool } from "../../store/db.js";

/** Whether the sandbox backend answers; production asks Docker (see `checkSandboxReady`). */
export type SandboxProbe = () => Promise<{ ok: boolean; reason?: string }>;

export interface ReadinessReport {
  ready: boolean;
  checks: { name: "database" | "queue" | "sandbox"; ok: boolean; reason?: string; ms: number }[];
}

/** A dependency that does not answer within this long counts as down: a probe must not hang. */
const PROBE_TIMEOUT_MS = 2_000;

async function probe(
  name: ReadinessReport["checks"][number]["name"],
  run: () => Promise<{ ok: boolean; reason?: string }>,
): Promise<ReadinessReport["checks"][number]> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      run(),
      new Promise<{ ok: false; reason: string }>((resolve) => {
        timer = setTimeout(() => resolve({ ok: false, reason: `no answer within ${PROBE_TIMEOUT_MS} ms` }), PROBE_TIMEOUT_MS);
      }),
    ]);
    return { name, ...result, ms: Math.round(performance.now() - started) };
  } catch (error) {
    return { name, ok: false, reason: error instanceof Error ? error.message : String(error), ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

/** `/readyz`: the database, the job queue and the sandbox backend each answer, checked in parallel. */
export async function checkReadiness(pool: Pool, boss: PgBoss, sandbox: SandboxProbe): Promise<ReadinessReport> {
  const checks = await Promise.all([
    probe("database", async () => {
      await pool.query("SELECT 1");
      return { ok: true };
    }),
    probe("queue", async () => {
      await boss.getQueueSize(QUEUES.delivery);
      return { ok: true };
    }),
    probe("sandbox", sandbox),
  ]);
  return { ready: checks.every((c) => c.ok), checks };
}
