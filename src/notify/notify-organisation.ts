import type { Pool } from "../store/db.js";
import type { NotifyConfig } from "../config/sections/notify.js";
import type { Notification } from "./notification-for.js";
import { addNotification } from "./store-notifications.js";

/**
 * Queues an organisation-wide notification (emergency stop or resume), once
 * per delivery. The routes are those of the organisation's newest story's
 * merged configuration, which carries the organisation's `.github` file.
 */
export async function notifyOrganisation(pool: Pool, n: Notification, owner: string, deliveryId: string): Promise<void> {
  const res = await pool.query(
    `SELECT config->'notify' AS notify FROM stories WHERE lower(owner) = lower($1) ORDER BY created_at DESC LIMIT 1`,
    [owner],
  );
  const config = (res.rows[0] as { notify: NotifyConfig | null } | undefined)?.notify;
  if (!config || config.slack.routes.length === 0) return;
  await addNotification(pool, n, { key: `org:${owner.toLowerCase()}:${n.event}:${deliveryId}`, storyId: null, owner, repo: null, config });
}
