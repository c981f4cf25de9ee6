import type { DeliveryRecorder } from "./delivery-recorder.js";

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
 * The whole of the webhook handler's work: an INSERT of the delivery under
 * its X-GitHub-Delivery id (batched with others arriving at the same time),
 * then the acknowledgement. A redelivery inserts
 * nothing. The dispatcher hands recorded deliveries to the job queue in
 * batches afterwards, so GitHub's 10-second limit is never at risk and a crash
 * after the answer loses nothing.
 */
export async function recordIncoming(recorder: DeliveryRecorder, delivery: IncomingDelivery): Promise<boolean> {
  const p = (delivery.payload ?? {}) as PayloadShape;
  return recorder.record({
    deliveryId: delivery.id,
    event: delivery.name,
    action: p.action ?? null,
    installationId: p.installation?.id ?? null,
    repository: p.repository?.full_name ?? null,
    payloadJson: JSON.stringify(delivery.payload),
  });
}
