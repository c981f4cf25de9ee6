import type PgBoss from "pg-boss";
import { enqueue, QUEUES } from "../jobs/queue.js";
import { withTransaction, type Pool } from "../store/db.js";
import { recordDelivery } from "../store/deliveries.js";

export interface IncomingDelivery {
  id: string;
  name: string;
  payload: unknown;
}

interface PayloadShape {
  action?: string;
  installation?: { id?: number };
  repository?: { full_name?: string };
}

/**
 * The whole of the webhook handler's work: record the delivery under its
 * X-GitHub-Delivery id and queue its processing, in one transaction, then
 * acknowledge. A redelivery is recorded as nothing and acknowledged. Nothing
 * else happens before GitHub gets its answer, so the 10-second limit is never
 * at risk and a crash after the answer loses nothing.
 */
export async function recordAndQueue(pool: Pool, boss: PgBoss, delivery: IncomingDelivery): Promise<boolean> {
  const p = (delivery.payload ?? {}) as PayloadShape;
  return withTransaction(pool, async (tx) => {
    const fresh = await recordDelivery(tx, {
      deliveryId: delivery.id,
      event: delivery.name,
      action: p.action ?? null,
      installationId: p.installation?.id ?? null,
      repository: p.repository?.full_name ?? null,
      payload: delivery.payload,
    });
    if (fresh) await enqueue(boss, tx, QUEUES.delivery, { deliveryId: delivery.id });
    return fresh;
  });
}
