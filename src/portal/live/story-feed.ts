import pg from "pg";
import type { Log } from "../../engine/deps.js";

/** What the `wave_story` trigger announces: a story changed (inserted or updated) and its new version. */
export interface StoryChange {
  id: string;
  owner: string;
  repo_id: number;
  version: number;
}

export interface StoryFeed {
  /** Calls `listener` for every story change any replica commits; returns the unsubscribe. */
  subscribe(listener: (change: StoryChange) => void): () => void;
  close(): Promise<void>;
}

/**
 * One LISTEN connection per process, fanned out to every open page. Postgres
 * delivers a NOTIFY only after its transaction commits, to every listener on
 * every replica, so a page hears of a change whichever process made it. The
 * connection is re-opened after a failure (a Postgres restart), with backoff.
 */
export function startStoryFeed(databaseUrl: string, log: Log): StoryFeed {
  const listeners = new Set<(change: StoryChange) => void>();
  let client: pg.Client | null = null;
  let closed = false;
  let delay = 250;
  let timer: NodeJS.Timeout | undefined;

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: "wave-portal-feed" });
    c.on("notification", (msg) => {
      if (msg.channel !== "wave_story" || !msg.payload) return;
      let change: StoryChange;
      try {
        change = JSON.parse(msg.payload) as StoryChange;
      } catch {
        return;
      }
      for (const listener of listeners) listener(change);
    });
    c.on("error", (error) => {
      log.warn({ err: error }, "portal story feed lost its connection; reconnecting");
      retry(c);
    });
    c.on("end", () => retry(c));
    try {
      await c.connect();
      await c.query("LISTEN wave_story");
      client = c;
      delay = 250;
    } catch (error) {
      log.debug({ err: error }, "portal story feed could not connect yet");
      retry(c);
    }
  };
  const retried = new WeakSet<pg.Client>();
  const retry = (c: pg.Client) => {
    // "error" and "end" both arrive for one lost connection: reconnect once.
    if (closed || retried.has(c)) return;
    retried.add(c);
    client = null;
    c.removeAllListeners("end");
    void c.end().catch(() => undefined);
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), delay);
    delay = Math.min(delay * 2, 5_000);
  };
  void connect();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      listeners.clear();
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners("end");
        await c.end().catch(() => undefined);
      }
    },
  };
}
