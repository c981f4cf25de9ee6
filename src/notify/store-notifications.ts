import type { NotifyConfig } from "../config/sections/notify.js";
import type { Pool, Tx } from "../store/db.js";
import { routesFor, type Notification } from "./notification-for.js";

/**
 * Queues a notification for every route it matches, inside the caller's
 * transaction. `key` names the change (story and version, or the org stop's
 * delivery), so a retried transaction or delivery adds nothing twice.
 */
export async function addNotification(
  db: Tx | Pool,
  n: Notification,
  where: { key: string; storyId: string | null; owner: string; repo: string | null; config: NotifyConfig },
): Promise<number> {
  let added = 0;
  for (const env of routesFor(where.config, n, where.repo)) {
    const res = await db.query(
      `INSERT INTO notifications (key, story_id, owner, event, severity, webhook_env, text) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
      [`${where.key}:${env}`, where.storyId, where.owner.toLowerCase(), n.event, n.severity, env, n.text],
    );
    added += res.rowCount ?? 0;
  }
  return added;
}
