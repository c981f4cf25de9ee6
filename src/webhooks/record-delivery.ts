import type { Pool } from "../store/db.js";
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
 * The whole of the webhook handler's work: one INSERT of the delivery under
 * its X-GitHub-Delivery id, then the acknowledgement. A redelivery inserts
 * nothing. The dispatcher hands recorded deliveries to the job queue in
 * batches afterwards, so GitHub's 10-second limit is never at risk and a crash
 * after the answer loses nothing.
 */
export async function recordIncoming(pool: Pool, delivery: IncomingDelivery): Promise<boolean> {
  const p = (delivery.payload ?? {}) as PayloadShape;
  return recordDelivery(pool, {
    deliveryId: delivery.id,
    event: delivery.name,
    action: p.action ?? null,
    installationId: p.installation?.id ?? null,
    repository: p.repository?.full_name ?? null,
    payloadJson: JSON.stringify(delivery.payload),
  });
}
