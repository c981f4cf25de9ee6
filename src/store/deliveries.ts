import type { Pool, Tx } from "./db.js";

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repository: string | null;
  payload: unknown;
}

export type NewDelivery = Omit<DeliveryRecord, "payload"> & { payloadJson: string };

/**
 * Records several deliveries in one statement; returns the ids that were new
 * (a redelivery's X-GitHub-Delivery id is already there and inserts nothing).
 */
export async function recordDeliveries(db: Pool | Tx, deliveries: NewDelivery[]): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  const values: unknown[] = [];
  const rows = deliveries.map((d) => {
    values.push(d.deliveryId, d.event, d.action, d.installationId, d.repository, d.payloadJson);
    const n = values.length;
    return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  });
  const res = await db.query(
    `INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, repository, payload)
     VALUES ${rows.join(", ")} ON CONFLICT (delivery_id) DO NOTHING RETURNING delivery_id`,
    values,
  );
  return new Set(res.rows.map((r) => r.delivery_id as string));
}

/** Marks up to `limit` recorded, not yet queued deliveries as queued and returns their ids (oldest first). */
export async function claimUnqueued(tx: Tx, limit: number): Promise<string[]> {
  const res = await tx.query(
    `UPDATE webhook_deliveries SET queued_at = now()
     WHERE delivery_id IN (SELECT delivery_id FROM webhook_deliveries WHERE queued_at IS NULL ORDER BY received_at LIMIT $1 FOR UPDATE SKIP LOCKED)
     RETURNING delivery_id`,
    [limit],
  );
  return res.rows.map((r) => r.delivery_id as string);
}

export async function loadDelivery(pool: Pool, deliveryId: string): Promise<(DeliveryRecord & { processedAt: Date | null }) | null> {
  const res = await pool.query(
    `SELECT delivery_id, event, action, installation_id, repository, payload, processed_at FROM webhook_deliveries WHERE delivery_id = $1`,
    [deliveryId],
  );
  const r = res.rows[0];
  if (!r) return null;
  return {
    deliveryId: r.delivery_id,
    event: r.event,
    action: r.action,
    installationId: r.installation_id,
    repository: r.repository,
    payload: r.payload,
    processedAt: r.processed_at,
  };
}

export async function markDeliveryProcessed(pool: Pool, deliveryId: string, outcome: string, error?: string): Promise<void> {
  await pool.query(`UPDATE webhook_deliveries SET processed_at = now(), outcome = $2, error = $3 WHERE delivery_id = $1`, [
    deliveryId,
    outcome,
    error ?? null,
  ]);
}
