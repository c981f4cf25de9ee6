import { IncomingWebhook } from "@slack/webhook";
import type { EngineDeps } from "../engine/deps.js";

export interface NotifierOptions {
  /** How often to look for due notifications. */
  pollMs?: number;
  /** Least time between two messages to one webhook (Slack allows about one per second). */
  minGapMs?: number;
  /** How long a claimed notification is leased before another worker may retry it. */
  leaseSeconds?: number;
  env?: NodeJS.ProcessEnv;
}

interface Row {
  id: number;
  webhook_env: string;
  text: string;
  attempts: number;
}

/** Permanent failures are recorded and not retried: a missing secret, a revoked or wrong webhook. */
class PermanentFailure extends Error {}

/**
 * Sends queued Slack notifications, oldest first, apart from the story
 * outbox: a Slack outage delays only notifications, never a story. Claiming a
 * row pushes its next attempt forward (a lease), so a crash mid-send retries
 * it; a message can be sent twice only if the process dies between Slack's
 * answer and the UPDATE that records it.
 */
export function startNotifier(deps: EngineDeps, options: NotifierOptions = {}): { stop(): Promise<void>; tick(): Promise<number> } {
  const env = options.env ?? process.env;
  const pollMs = options.pollMs ?? 1_000;
  const minGapMs = options.minGapMs ?? 1_000;
  const lease = options.leaseSeconds ?? 60;
  const lastSent = new Map<string, number>();
  let stopped = false;
  let running: Promise<number> | null = null;

  const claim = async (): Promise<Row | null> => {
    const res = await deps.pool.query(
      `UPDATE notifications SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1)
       WHERE id = (SELECT id FROM notifications WHERE sent_at IS NULL AND next_attempt_at <= now() ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id, webhook_env, text, attempts`,
      [lease],
    );
    return (res.rows[0] as Row | undefined) ?? null;
  };
  const send = async (row: Row) => {
    const url = env[row.webhook_env];
    if (!url)
      throw new PermanentFailure(
        `${row.webhook_env} is not set: set it to the Slack incoming-webhook URL of the channel, or remove the route from notify.slack.routes`,
      );
    const wait = (lastSent.get(row.webhook_env) ?? 0) + minGapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      await new IncomingWebhook(url, { timeout: 10_000 }).send({ text: row.text });
    } catch (error) {
      const status = (error as { original?: { response?: { status?: number } } }).original?.response?.status;
      if (status !== undefined && status >= 400 && status < 500 && status !== 429)
        throw new PermanentFailure(`Slack answered ${status} for ${row.webhook_env}: check the webhook URL`);
      throw error;
    } finally {
      lastSent.set(row.webhook_env, Date.now());
    }
  };
  const tick = async (): Promise<number> => {
    let sent = 0;
    for (;;) {
      if (stopped) return sent;
      const row = await claim();
      if (!row) return sent;
      try {
        await send(row);
        await deps.pool.query(`UPDATE notifications SET sent_at = now(), last_error = NULL WHERE id = $1`, [row.id]);
        sent++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const retryIn = error instanceof PermanentFailure ? null : Math.min(300, 2 ** Math.min(row.attempts, 8));
        await deps.pool.query(
          `UPDATE notifications SET last_error = $2, next_attempt_at = CASE WHEN $3::int IS NULL THEN 'infinity'::timestamptz ELSE now() + make_interval(secs => $3::int) END WHERE id = $1`,
          [row.id, message, retryIn],
        );
        deps.log.warn(
          { notification: row.id, webhookEnv: row.webhook_env, retryInSeconds: retryIn },
          `Slack notification not sent: ${message}`,
        );
      }
    }
  };
  const loop = async () => {
    while (!stopped) {
      running = tick().catch((error: unknown) => {
        deps.log.debug({ err: error }, "notifier pass failed");
        return 0;
      });
      await running;
      await new Promise((r) => setTimeout(r, pollMs));
    }
  };
  void loop();
  return {
    tick,
    stop: async () => {
      stopped = true;
      await running;
    },
  };
}
