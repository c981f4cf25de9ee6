import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/store/db.js";
import { createDeliveryRecorder } from "../../src/webhooks/delivery-recorder.js";
import { freshDatabase } from "../support/db.js";

describe("the delivery recorder", () => {
  let db: { url: string; drop: () => Promise<void> };
  let pool: Pool;
  beforeAll(async () => {
    db = await freshDatabase();
    pool = createPool(db.url);
  });
  afterAll(async () => {
    await pool.end();
    await db.drop();
  });

  it("batches concurrent deliveries and tells exactly one caller per delivery id that it is new", async () => {
    const recorder = createDeliveryRecorder(pool);
    const ids = Array.from({ length: 200 }, (_, i) => `d-${i % 150}`); // 50 redeliveries among them
    const payload = JSON.stringify({ action: "created", hello: "x".repeat(5000) });
    const answers = await Promise.all(
      ids.map((id) =>
        recorder.record({
          deliveryId: id,
          event: "issue_comment",
          action: "created",
          installationId: 1,
          repository: "o/r",
          payloadJson: payload,
        }),
      ),
    );
    expect(answers.filter(Boolean)).toHaveLength(150);
    const rows = await pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries`);
    expect(rows.rows[0].n).toBe(150);
    // Every answer came after its row was committed: a new recorder sees them all as redeliveries.
    const again = createDeliveryRecorder(pool);
    expect(
      await again.record({
        deliveryId: "d-7",
        event: "issue_comment",
        action: "created",
        installationId: 1,
        repository: "o/r",
        payloadJson: payload,
      }),
    ).toBe(false);
  });

  it("fails only the delivery that cannot be stored, not the others batched with it", async () => {
    const recorder = createDeliveryRecorder(pool);
    const good = (id: string) =>
      recorder.record({ deliveryId: id, event: "issues", action: null, installationId: null, repository: null, payloadJson: "{}" });
    const results = await Promise.allSettled([
      good("g-1"),
      good("g-2"),
      recorder.record({
        deliveryId: "bad",
        event: "issues",
        action: null,
        installationId: null,
        repository: null,
        payloadJson: "{not json",
      }),
      good("g-3"),
      good("g-4"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
    const stored = await pool.query(`SELECT delivery_id FROM webhook_deliveries WHERE delivery_id LIKE 'g-%' ORDER BY 1`);
    expect(stored.rows.map((r) => r.delivery_id)).toEqual(["g-1", "g-2", "g-3", "g-4"]);
  });
});
