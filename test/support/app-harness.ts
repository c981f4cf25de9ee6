import { randomUUID } from "node:crypto";
import { Probot, ProbotOctokit, Server } from "probot";
import { pino } from "pino";
import type PgBoss from "pg-boss";
import { startQueue } from "../../src/jobs/queue.js";
import { createPool, type Pool } from "../../src/store/db.js";
import { freePort } from "../../src/store/embedded-postgres.js";
import type { Workers } from "../../src/jobs/workers.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import type { GitHubAuth } from "../../src/engine/ports.js";
import type { GateWorkers } from "../../src/engine/run-gate.js";
import type { DeliveryHandler } from "../../src/webhooks/route-delivery.js";
import { waveApp, type WaveOptions } from "../../src/wave.js";
import type { Portal } from "../../src/portal/portal.js";
import type { PortalOptions } from "../../src/portal/options.js";
import { freshDatabase } from "./db.js";
import { TEST_SECRET, testPrivateKey } from "./test-keys.js";
import { deliver } from "./webhook-examples.js";

export { TEST_SECRET, testPrivateKey, waitFor } from "./test-keys.js";

export interface TestApp {
  url: string;
  /** The server's root (http://127.0.0.1:port). */
  origin: string;
  pool: Pool;
  boss: PgBoss;
  databaseUrl: string;
  workers: Workers;
  send(name: string, payload: unknown, deliveryId?: string): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * The real app (Probot server, webhook handler, pg-boss workers) on a random
 * loopback port, against a fresh database. GitHub is whatever the test nocks.
 */
export interface TestAppOptions {
  sandbox?: WaveOptions["sandbox"];
  facts?: (deps: EngineDeps) => WaveOptions["facts"];
  gates?: (github: GitHubAuth, deps: EngineDeps) => GateWorkers;
  handlers?: (github: GitHubAuth, deps: EngineDeps) => Record<string, DeliveryHandler>;
  workers?: WaveOptions["workers"];
  /** GitHub's API base URL; a local fake GitHub server instead of nock (tests that also drive Docker need this). */
  githubBaseUrl?: string;
  /** More handlers on the app's server (the Actions runners' protocol). */
  routes?: WaveOptions["routes"];
  /** Serve the portal too; GitHub (OAuth, users) is `githubBaseUrl`. */
  portal?: Partial<PortalOptions>;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = await freshDatabase();
  const pool = createPool(db.url);
  const boss = await startQueue(db.url, { effectsExpireSeconds: 30, gateExpireSeconds: 60, deliveryExpireSeconds: 30 });
  const log = pino({ level: process.env.WAVE_TEST_LOG ?? "silent" });
  const deps: EngineDeps = { pool, boss, log };
  let workers: Workers | undefined;
  let portal: Portal | undefined;
  const server = new Server({
    host: "127.0.0.1",
    port: await freePort(),
    log,
    Probot: Probot.defaults({
      appId: 1,
      privateKey: testPrivateKey(),
      secret: TEST_SECRET,
      log,
      ...(options.githubBaseUrl ? { baseUrl: options.githubBaseUrl } : {}),
      // Tests answer at once: no throttling pauses, no retries of faked failures. A function, so the
      // installation clients Probot makes get it too (their own options would replace a plain object's).
      Octokit: ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
        ...instance,
        throttle: { enabled: false },
        retry: { enabled: false },
      })),
    }),
  });
  await server.load(
    waveApp({
      deps,
      sandbox: options.sandbox ?? { stopStory: async () => undefined },
      facts: options.facts?.(deps) ?? { extras: async () => ({}) },
      gates: (github) => options.gates?.(github, deps) ?? {},
      handlers: (github) => options.handlers?.(github, deps) ?? {},
      workers: { pollingIntervalSeconds: 0.5, ...options.workers },
      ...(options.routes ? { routes: options.routes } : {}),
      onStarted: (w, p) => {
        workers = w;
        portal = p;
      },
      ...(options.portal
        ? {
            portal: {
              databaseUrl: db.url,
              options: {
                clientId: "Iv1.fakeclient",
                clientSecret: "fake-client-secret",
                sessionSecret: "wave-test-session-secret",
                githubApiUrl: options.githubBaseUrl ?? "https://api.github.com",
                githubWebUrl: options.githubBaseUrl ?? "https://github.com",
                secureCookies: false,
                sandboxReady: async () => ({ ok: true }),
                ...options.portal,
              },
            },
          }
        : {}),
    }),
  );
  const http = await server.start();
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}/api/github/webhooks`;
  if (!workers) throw new Error("workers did not start");
  return {
    url,
    origin: `http://127.0.0.1:${port}`,
    pool,
    boss,
    databaseUrl: db.url,
    workers,
    send: (name, payload, deliveryId = randomUUID()) => deliver(url, TEST_SECRET, name, payload, deliveryId),
    stop: async () => {
      await portal?.close();
      await server.stop();
      await boss.stop({ graceful: false, wait: true });
      await pool.end();
      await db.drop();
    },
  };
}
