import type { Pool } from "../store/db.js";

/** At most `max` content-creating requests in any `windowMs`. */
export interface PaceWindow {
  max: number;
  windowMs: number;
}

/**
 * GitHub's published secondary limits for content-creating requests: 80 a minute and
 * 500 an hour. The windows are planned 5 % longer than GitHub's, so requests that leave
 * a little later than planned (a busy event loop, a slow network) still fit.
 */
export function contentPaceFromEnv(env: NodeJS.ProcessEnv = process.env): PaceWindow[] {
  const num = (name: string, dflt: number) => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : dflt;
  };
  // Only benchmarks compress time (e.g. 60 turns GitHub's minute into one second).
  const scale = num("WAVE_PACE_TIME_SCALE", 1);
  return [
    { max: num("WAVE_CONTENT_PER_MINUTE", 80), windowMs: 63_000 / scale },
    { max: num("WAVE_CONTENT_PER_HOUR", 500), windowMs: 3_780_000 / scale },
  ];
}

/**
 * The earliest moment at or after `from` (ms since the epoch) a new request fits every
 * window, given the sorted times already planned. Pure.
 */
export function nextSlot(planned: readonly number[], windows: readonly PaceWindow[], from: number): number {
  let at = Math.max(from, planned[planned.length - 1] ?? from);
  for (let moved = true; moved;) {
    moved = false;
    for (const w of windows) {
      const inWindow = planned.filter((t) => t > at - w.windowMs);
      if (inWindow.length >= w.max) {
        // Wait until enough of them have left the window for one more to fit.
        const leaving = inWindow[inWindow.length - w.max];
        if (leaving !== undefined && leaving + w.windowMs > at) {
          at = leaving + w.windowMs;
          moved = true;
        }
      }
    }
  }
  return at;
}

/**
 * Reserves the next slot for one content-creating request of an installation, shared by
 * every replica through Postgres (an advisory lock per installation serializes the
 * planning). Returns how many milliseconds to wait before sending; when the wait would
 * pass `maxWaitMs`, nothing is reserved and the wait is returned as `later`, so the
 * caller reschedules its job instead of holding a worker.
 */
export async function reserveContentSlot(
  pool: Pool,
  installationId: number,
  windows: readonly PaceWindow[],
  maxWaitMs: number,
): Promise<{ waitMs: number } | { later: number }> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('wave-content-pace'), $1::int)`, [installationId % 2_147_483_647]);
    const longest = Math.max(...windows.map((w) => w.windowMs));
    const now = Number((await client.query(`SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`)).rows[0]?.now);
    await client.query(`DELETE FROM wave_content_requests WHERE installation_id = $1 AND at < to_timestamp($2 / 1000.0)`, [
      installationId,
      now - longest,
    ]);
    const planned = (
      await client.query(
        `SELECT (extract(epoch FROM at) * 1000)::float8 AS t FROM wave_content_requests WHERE installation_id = $1 ORDER BY at`,
        [installationId],
      )
    ).rows.map((r) => Number(r.t));
    const at = nextSlot(planned, windows, now);
    if (at - now > maxWaitMs) {
      await client.query("ROLLBACK");
      return { later: at - now };
    }
    await client.query(`INSERT INTO wave_content_requests (installation_id, at) VALUES ($1, to_timestamp($2 / 1000.0))`, [
      installationId,
      at,
    ]);
    await client.query("COMMIT");
    return { waitMs: Math.max(0, at - now) };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * How long until a request of this installation would fit, without reserving anything:
 * lets a job that would only wait skip its reads and reschedule at once.
 */
export async function peekContentSlot(pool: Pool, installationId: number, windows: readonly PaceWindow[]): Promise<number> {
  const res = await pool.query(
    `SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now,
            coalesce(array_agg((extract(epoch FROM at) * 1000)::float8 ORDER BY at) FILTER (WHERE at IS NOT NULL), '{}') AS planned
     FROM wave_content_requests WHERE installation_id = $1`,
    [installationId],
  );
  const now = Number(res.rows[0]?.now ?? Date.now());
  const planned = ((res.rows[0]?.planned ?? []) as (number | string)[]).map(Number);
  return Math.max(0, nextSlot(planned, windows, now) - now);
}
