import type { Pool, Tx } from "./db.js";

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repository: string | null;
  payload: unknown;
}

/** Records a delivery; false when this X-GitHub-Delivery was seen before (a redelivery). */
export async function recordDelivery(tx: Tx, d: DeliveryRecord): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO webhook_deliveries (delivery_id, event, action, installation_id, repository, payload)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_id) DO NOTHING`,
    [d.deliveryId, d.event, d.action, d.installationId, d.repository, JSON.stringify(d.payload)],
  );
  return res.rowCount === 1;
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
