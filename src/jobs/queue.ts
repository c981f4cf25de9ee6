import PgBoss from "pg-boss";

/**
 * The job queues. pg-boss gives us "one job per story at a time" (`stately` keyed by story id)
 * and retries with backoff without code of our own. Crash recovery is ours: pg-boss 10 has no
 * heartbeat (11 and 12 need Node 22; WAVE runs on Node 20), so each worker renews a lease
 * (`lease.ts`) and a sweep on every replica takes over a job whose lease went stale
 * (`takeover.ts`). A queue's expiry is only the longest a job may run.
 */
export const QUEUES = {
  /** A recorded webhook delivery, processed after it was acknowledged. */
  delivery: "wave-delivery",
  /** Deliver a story's pending outbox effects to GitHub. One queued and one active per story. */
  effects: "wave-effects",
  /** Do the work of the story's current gate (plan, build, verify…). One queued and one active per story. */
  gate: "wave-gate",
  /** Create WAVE's labels in one repository of a new installation. One job per repository. */
  onboard: "wave-onboard",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Anything that can run a query: a pool, a client, a client inside a transaction. */
export interface SqlExecutor {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface QueueTuning {
  /** The longest one job may run before it is failed into a retry (the worker's own timeout); a dead worker's job is taken over after the lease instead (WAVE_JOB_LEASE_SECONDS). */
  effectsExpireSeconds: number;
  gateExpireSeconds: number;
  deliveryExpireSeconds: number;
  /** Optional so callers that predate onboarding keep their tuning; 60 s when absent. */
  onboardExpireSeconds?: number;
}

export function queueTuningFromEnv(env: NodeJS.ProcessEnv = process.env): QueueTuning {
  const num = (name: string, dflt: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
  };
  return {
    effectsExpireSeconds: num("WAVE_EFFECTS_EXPIRE_SECONDS", 60),
    gateExpireSeconds: num("WAVE_GATE_EXPIRE_SECONDS", 3600),
    deliveryExpireSeconds: num("WAVE_DELIVERY_EXPIRE_SECONDS", 120),
    onboardExpireSeconds: num("WAVE_ONBOARD_EXPIRE_SECONDS", 60),
  };
}

function queueDefinitions(t: QueueTuning): PgBoss.Queue[] {
  return [
    {
      name: QUEUES.delivery,
      policy: "standard",
      retryLimit: 8,
      retryDelay: 2,
      retryBackoff: true,
      expireInSeconds: t.deliveryExpireSeconds,
    },
    { name: QUEUES.effects, policy: "stately", retryLimit: 12, retryDelay: 2, retryBackoff: true, expireInSeconds: t.effectsExpireSeconds },
    // A crash takeover uses one try too, so a gate gets a few more than one bad answer needs.
    { name: QUEUES.gate, policy: "stately", retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: t.gateExpireSeconds },
    {
      name: QUEUES.onboard,
      policy: "standard",
      retryLimit: 10,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: t.onboardExpireSeconds ?? 60,
    },
  ];
}

export function createQueue(databaseUrl: string, options: { supervise?: boolean } = {}): PgBoss {
  return new PgBoss({
    connectionString: databaseUrl,
    schema: "pgboss",
    application_name: "wave-queue",
    max: 6,
    supervise: options.supervise ?? true,
    schedule: false,
    maintenanceIntervalSeconds: 5,
    monitorStateIntervalSeconds: 30,
  });
}

/** Starts pg-boss (installing or migrating its schema) and makes sure our queues exist. */
export async function startQueue(
  databaseUrl: string,
  tuning: QueueTuning = queueTuningFromEnv(),
  options: { supervise?: boolean } = {},
): Promise<PgBoss> {
  const boss = createQueue(databaseUrl, options);
  boss.on("error", () => undefined);
  await boss.start();
  for (const q of queueDefinitions(tuning)) {
    const existing = await boss.getQueue(q.name);
    if (existing) await boss.updateQueue(q.name, q);
    else await boss.createQueue(q.name, q);
  }
  return boss;
}

/** Installs the queue schema and queues into a database, then disconnects (used for test templates). */
export async function installQueueSchema(databaseUrl: string): Promise<void> {
  const boss = await startQueue(databaseUrl, queueTuningFromEnv(), { supervise: false });
  await boss.stop({ graceful: false, wait: true });
}

/**
 * Queues a job inside the caller's transaction, so the job exists if and only
 * if the transaction commits.
 */
export async function enqueue(
  boss: PgBoss,
  tx: SqlExecutor,
  name: QueueName,
  data: object,
  options: PgBoss.SendOptions = {},
): Promise<string | null> {
  return boss.send(name, data, {
    ...options,
    db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) as Promise<{ rows: unknown[] }> },
  });
}
