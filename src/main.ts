import { run } from "probot";
import { startDatabase } from "./boot/database.js";
import { WaveOctokit } from "./github/octokit-options.js";
import { startQueue } from "./jobs/queue.js";
import { workerOptionsFromEnv } from "./jobs/workers.js";
import { createPool } from "./store/db.js";
import { waveApp } from "./wave.js";
import { productionPorts } from "./boot/production-ports.js";
import { bootLog } from "./boot/log.js";
import { portalOptionsFromEnv } from "./portal/options.js";

/**
 * `npm start`. Without APP_ID and a private key, Probot's setup mode serves a
 * page at http://localhost:3000 that registers the app from app.yml and writes
 * the credentials to .env. Either way the database is up first.
 */
async function main(): Promise<void> {
  const log = await bootLog();
  const db = await startDatabase(process.env, log);
  const pool = createPool(db.url);
  const hasCredentials = Boolean(process.env.APP_ID && (process.env.PRIVATE_KEY || process.env.PRIVATE_KEY_PATH));
  const stopAll = async () => {
    await pool.end().catch(() => undefined);
    await db.stop().catch(() => undefined);
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info({ signal }, "shutting down");
      // A database still starting (or a pool waiting on a stuck query) must not keep a stopped app alive.
      setTimeout(() => process.exit(0), 5_000).unref();
      void stopAll().finally(() => process.exit(0));
    });
  }
  if (!hasCredentials) {
    log.info(
      "No APP_ID/PRIVATE_KEY: starting Probot's setup mode. Open http://localhost:" +
        (process.env.PORT ?? "3000") +
        " to register the GitHub App from app.yml.",
    );
    await run(() => undefined, { log });
    return;
  }
  const boss = await startQueue(db.url);
  const deps = { pool, boss, log };
  const { sandboxProbes, ...ports } = await productionPorts(deps, process.env);
  const portal = { options: { ...portalOptionsFromEnv(process.env), ...sandboxProbes }, databaseUrl: db.url };
  // On a benchmark's compressed clock (WAVE_PACE_TIME_SCALE) Probot's own spacing of writes (one a second, in real
  // time) would measure Probot instead of WAVE's pacer, which keeps the content limits on either clock.
  const compressedClock = Number(process.env.WAVE_PACE_TIME_SCALE ?? 1) > 1;
  const Octokit = compressedClock
    ? WaveOctokit.defaults((instance: Record<string, unknown>) => ({ ...instance, throttle: { enabled: false } }))
    : WaveOctokit;
  await run(waveApp({ deps, ...ports, portal, notifier: {}, workers: workerOptionsFromEnv(process.env) }), { log, Octokit });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
