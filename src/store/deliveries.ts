import type { Pool, Tx } from "./db.js";

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repository: string | null;
  payload: unknown;
}

/**
 * Records a delivery in one statement (no explicit transaction: the insert is
 * atomic on its own); false when this X-GitHub-Delivery was seen before.
 * `payloadJson` is the raw body GitHub sent, stored as is.
 */
export async function recordDelivery(db: Pool | Tx, d: Omit<DeliveryRecord, "payload"> & { payloadJson: string }): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, repository, payload)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id) DO NOTHING`,
    [d.deliveryId, d.event, d.action, d.installationId, d.repository, d.payloadJson],
  );
  return res.rowCount === 1;
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
