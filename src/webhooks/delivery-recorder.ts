import type { Pool } from "../store/db.js";
import { recordDeliveries, type NewDelivery } from "../store/deliveries.js";

/**
 * Records deliveries in small batches: the deliveries that arrive while one
 * INSERT is in flight go into the next one, so under load many share one
 * statement and one commit, and alone each goes at once. Every caller gets its
 * answer only after its row is committed, so an acknowledged delivery is
 * always durable.
 */
export interface DeliveryRecorder {
  /** True when the delivery is new; false for a redelivery. Resolves after commit. */
  record(delivery: NewDelivery): Promise<boolean>;
}

const MAX_BATCH = 64;

export function createDeliveryRecorder(pool: Pool): DeliveryRecorder {
  let waiting: { delivery: NewDelivery; resolve: (fresh: boolean) => void; reject: (e: unknown) => void }[] = [];
  let inFlight = 0;
  // Two statements may be in flight at once, so one slow commit does not stall the rest.
  const MAX_IN_FLIGHT = 2;

  function pump(): void {
    while (inFlight < MAX_IN_FLIGHT && waiting.length > 0) {
      const batch = waiting.slice(0, MAX_BATCH);
      waiting = waiting.slice(batch.length);
      inFlight++;
      recordDeliveries(
        pool,
        batch.map((b) => b.delivery),
      )
        // One bad row must not fail the others that happened to share its statement: retry them one by one.
        .catch(async (error: unknown) => {
          if (batch.length === 1) throw error;
          const fresh = new Set<string>();
          for (const b of batch) {
            try {
              for (const id of await recordDeliveries(pool, [b.delivery])) fresh.add(id);
            } catch (single) {
              b.reject(single);
            }
          }
          return fresh;
        })
        .then((fresh) => {
          const claimed = new Set<string>();
          for (const b of batch) {
            // A delivery id twice in one batch: only its first caller is told it is new. (Settling a rejected promise again is a no-op.)
            const isNew = fresh.has(b.delivery.deliveryId) && !claimed.has(b.delivery.deliveryId);
            claimed.add(b.delivery.deliveryId);
            b.resolve(isNew);
          }
        })
        .catch((error: unknown) => {
          for (const b of batch) b.reject(error);
        })
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    record(delivery) {
      return new Promise<boolean>((resolve, reject) => {
        waiting.push({ delivery, resolve, reject });
        pump();
      });
    },
  };
}
