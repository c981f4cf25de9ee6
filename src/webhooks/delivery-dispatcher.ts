import type { EngineDeps } from "../engine/deps.js";
import { QUEUES } from "../jobs/queue.js";
import { withTransaction } from "../store/db.js";
import { claimUnqueued } from "../store/deliveries.js";

export interface DeliveryDispatcher {
  /** A delivery was just recorded: dispatch soon. */
  poke(): void;
  /** Dispatch everything recorded and not yet queued, now. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

const BATCH = 200;

/**
 * Moves recorded deliveries into the job queue in batches: each batch is
 * claimed (`FOR UPDATE SKIP LOCKED`, so replicas share the work) and queued in
 * one transaction, so a delivery is queued exactly once. A periodic sweep
 * picks up deliveries recorded by a replica that died before dispatching them.
 */
export function startDeliveryDispatcher(deps: EngineDeps, options: { sweepMs?: number; onQueued?: () => void } = {}): DeliveryDispatcher {
  let scheduled: NodeJS.Timeout | null = null;
  let running: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  async function dispatchAll(): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await withTransaction(deps.pool, async (tx) => {
        const claimed = await claimUnqueued(tx, BATCH);
        if (claimed.length) {
          await deps.boss.insert(
            claimed.map((deliveryId) => ({ name: QUEUES.delivery, data: { deliveryId } })),
            { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) as Promise<{ rows: unknown[] }> } },
          );
        }
        return claimed;
      });
      total += ids.length;
      if (ids.length) options.onQueued?.();
      if (ids.length < BATCH) return total;
    }
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = dispatchAll()
      .catch((error: unknown) => {
        deps.log.warn({ err: error }, "could not hand deliveries to the job queue; the sweep will retry");
        return 0;
      })
      .finally(() => {
        running = null;
        if (again && !stopped) {
          again = false;
          void run();
        }
      });
    return running;
  }

  const sweep = setInterval(() => void run(), options.sweepMs ?? 2000);
  sweep.unref();
  return {
    poke() {
      if (scheduled || stopped) return;
      // A short delay gathers the deliveries of a burst into one batch.
      scheduled = setTimeout(() => {
        scheduled = null;
        void run();
      }, 20);
    },
    flush: () => run(),
    async stop() {
      stopped = true;
      clearInterval(sweep);
      if (scheduled) clearTimeout(scheduled);
      await running;
    },
  };
}
