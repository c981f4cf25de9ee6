import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installQueueSchema } from "../../src/jobs/queue.js";
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/store/embedded-postgres.js";
import { migrate } from "../../src/store/migrate.js";
import { spawnApp, type AppProcess } from "../support/app-process.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { waitFor } from "../support/test-keys.js";

/**
 * `/readyz` of the app run as `npm start` runs it, on a Postgres of its own
 * that the test stops and starts again: 503 with the reason while it is down,
 * 200 once it is back, with no restart of the app.
 */
describe("/healthz and /readyz", () => {
  const dataDir = `.wave/test-readyz-${process.pid}`;
  let port: number;
  let db: EmbeddedDatabase;
  let github: FakeGitHub;
  let app: AppProcess;
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
    return {
      status: res.status,
      body: (await res.json()) as { status: string; reason?: string; checks?: { name: string; ok: boolean }[] },
    };
  };

  beforeAll(async () => {
    port = await freePort();
    db = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    await migrate(db.url);
    await installQueueSchema(db.url);
    github = await startFakeGitHub();
    app = await spawnApp({ databaseUrl: db.url, githubHost: github.host });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.stop().catch(() => undefined);
    await github?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("turns 503 with the reason when Postgres stops, and back to 200 when it returns", { timeout: 180_000 }, async () => {
    const ready = await waitFor(
      async () => {
        const r = await get("/readyz");
        return r.status === 200 ? r : null;
      },
      60_000,
      "the app to be ready",
    );
    expect(ready.body.checks?.map((c) => [c.name, c.ok])).toEqual([
      ["database", true],
      ["queue", true],
      ["sandbox", true],
    ]);

    await db.stop();
    const down = await waitFor(
      async () => {
        const r = await get("/readyz");
        return r.status === 503 ? r : null;
      },
      30_000,
      "/readyz to report the database down",
    );
    expect(down.body.status).toBe("not ready");
    expect(down.body.reason).toMatch(/^database: /);
    expect(down.body.checks?.find((c) => c.name === "database")?.ok).toBe(false);
    // The process itself is fine: liveness stays green, so an orchestrator does not restart it for Postgres's sake.
    expect((await get("/healthz")).status).toBe(200);

    db = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    await waitFor(async () => (await get("/readyz")).status === 200, 60_000, "/readyz to recover");
    expect(app.child.exitCode).toBeNull();
  });
});
