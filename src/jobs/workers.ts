import type PgBoss from "pg-boss";
import type { EngineDeps } from "../engine/deps.js";
import { deliverEffects, type EffectPorts } from "../engine/deliver-effects.js";
import { runGateJob, type GateJob, type GateWorkers } from "../engine/run-gate.js";
import { processDelivery, type RouterPorts } from "../webhooks/route-delivery.js";
import { contentPaceFromEnv, type PaceWindow } from "../onboarding/content-pacer.js";
import { onboardRepository, type OnboardJob } from "../onboarding/onboard-repository.js";
import { leaseTuningFromEnv, withLease, type LeaseTuning } from "./lease.js";
import { QUEUES } from "./queue.js";
import { startSweeps } from "./sweeps.js";

export interface WorkerPorts {
  router: RouterPorts;
  effects: EffectPorts;
  gates: GateWorkers;
}

export interface Workers {
  /** Wakes the delivery workers now instead of at their next poll. */
  notifyDelivery(): void;
  stop(): Promise<void>;
}

export interface WorkerOptions {
  deliveryConcurrency?: number;
  effectsConcurrency?: number;
  gateConcurrency?: number;
  onboardConcurrency?: number;
  /** GitHub's secondary limits for content-creating requests, as onboarding paces them. */
  contentPace?: PaceWindow[];
  pollingIntervalSeconds?: number;
  /** The heartbeat: lease length and renewal; from WAVE_JOB_LEASE_SECONDS by default. */
  lease?: LeaseTuning;
}

/** Worker counts from WAVE_DELIVERY_CONCURRENCY, WAVE_EFFECTS_CONCURRENCY and WAVE_GATE_CONCURRENCY (0 turns a kind off on this replica). */
export function workerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerOptions {
  const count = (name: string, dflt: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new Error(`${name} must be a whole number from 0 to 64, not "${raw}".`);
    return n;
  };
  return {
    deliveryConcurrency: count("WAVE_DELIVERY_CONCURRENCY", 2),
    effectsConcurrency: count("WAVE_EFFECTS_CONCURRENCY", 2),
    gateConcurrency: count("WAVE_GATE_CONCURRENCY", 2),
    onboardConcurrency: count("WAVE_ONBOARD_CONCURRENCY", 2),
    contentPace: contentPaceFromEnv(env),
  };
}

/**
 * Starts the queue consumers and the sweeps. pg-boss hands each job to one worker across all
 * replicas; the worker renews the job's lease while it runs, and a job whose lease went stale
 * (its worker died) is taken over by any replica's sweep within seconds.
 */
export async function startWorkers(deps: EngineDeps, ports: WorkerPorts, options: WorkerOptions = {}): Promise<Workers> {
  const boss: PgBoss = deps.boss;
  const lease = options.lease ?? leaseTuningFromEnv();
  const leased = <T>(queue: string, id: string, work: (signal: AbortSignal) => Promise<T>) =>
    withLease(deps.pool, { id, queue }, lease, work);
  const poll = { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5, batchSize: 1, includeMetadata: true as const };
  const deliveryIds: string[] = [];
  for (let i = 0; i < (options.deliveryConcurrency ?? 2); i++) {
    deliveryIds.push(
      await boss.work<{ deliveryId: string }>(QUEUES.delivery, poll, async ([job]) => {
        if (job) return leased(QUEUES.delivery, job.id, () => processDelivery(deps, ports.router, job.data.deliveryId));
      }),
    );
  }
  for (let i = 0; i < (options.effectsConcurrency ?? 2); i++) {
    await boss.work<{ storyId: string }>(QUEUES.effects, poll, async ([job]) => {
      if (job) return leased(QUEUES.effects, job.id, () => deliverEffects(deps, ports.effects, job.data.storyId));
    });
  }
  for (let i = 0; i < (options.gateConcurrency ?? 2); i++) {
    await boss.work<GateJob>(QUEUES.gate, poll, async ([job]) => {
      if (job)
        return leased(QUEUES.gate, job.id, (signal) =>
          runGateJob(deps, ports.gates, job.data, { isLast: job.retryCount >= job.retryLimit, jobId: job.id, signal }),
        );
    });
  }
  const onboard = { github: ports.router.github, pace: options.contentPace ?? contentPaceFromEnv({}) };
  for (let i = 0; i < (options.onboardConcurrency ?? 2); i++) {
    let id = "";
    id = await boss.work<OnboardJob>(QUEUES.onboard, poll, async ([job]) => {
      if (!job) return;
      const outcome = await onboardRepository(deps, onboard, job.data);
      // A thousand repositories queue at once: fetch the next job now, not after the polling interval.
      boss.notifyWorker(id);
      return outcome;
    });
  }
  const sweeps = startSweeps(deps, ports.effects.sandbox, { leaseSeconds: lease.leaseSeconds, everySeconds: lease.renewSeconds });
  return {
    notifyDelivery: () => {
      for (const id of deliveryIds) boss.notifyWorker(id);
    },
    stop: async () => {
      sweeps.stop();
      for (const q of Object.values(QUEUES)) await boss.offWork(q);
    },
  };
}
