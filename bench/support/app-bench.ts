import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { installQueueSchema } from "../../src/jobs/queue.js";
import { startEmbeddedPostgres } from "../../src/store/embedded-postgres.js";
import { migrate } from "../../src/store/migrate.js";
import { storyGitHub, type StoryGitHub } from "../../test/e2e/story-github.js";
import { spawnApp } from "../../test/support/app-process.js";
import { startFakeAnthropic, type FakeAnthropic, type FakeResponder } from "../../test/support/fake-anthropic.js";

/** `PATCH /repos/o/r/check-runs/5002` → `PATCH /repos/{owner}/{repo}/check-runs/{n}`: a request's route, for counting per route. */
export function routeTemplate(request: string): string {
  return request
    .replace(/^(\S+ \/repos)\/[^/]+\/[^/]+/, "$1/{owner}/{repo}")
    .replace(/\/[0-9a-f]{40}(?=\/|$)/g, "/{sha}")
    .replace(/\/\d+(?=\/|$)/g, "/{n}")
    .replace(/heads%2F[^/]+$/, "heads%2F{branch}")
    .replace(/\?.*$/, "");
}

/** What a request-counting bench runs against: the app as `npm start` runs it, on fakes. */
export interface AppBench {
  /** The app's webhook URL. */
  url: string;
  github: StoryGitHub;
  model: FakeAnthropic;
  client: pg.Client;
  /** True when every outbox row is delivered or failed. */
  settled(): Promise<boolean>;
}

/**
 * Runs `body` against the app in its own process (real sandbox), an embedded Postgres, the loopback
 * GitHub fake serving the calc-js fixture (every request held against GitHub's REST description) and
 * the Anthropic fake answering with `responder`; everything is stopped and removed afterwards.
 */
export async function withAppBench<T>(name: string, responder: FakeResponder, body: (bench: AppBench) => Promise<T>): Promise<T> {
  const fixture = fileURLToPath(new URL("../../test/fixtures/repos/calc-js", import.meta.url));
  const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
  const dataDir = `.wave/bench-${name}-pg-${process.pid}`;
  const db = await startEmbeddedPostgres({ dataDir, persistent: false });
  const github = await storyGitHub({ config: "max_recycles: 1\n", repoDir: fixture, tarball });
  const model = await startFakeAnthropic({ responder });
  const client = new pg.Client({ connectionString: db.url });
  let app: Awaited<ReturnType<typeof spawnApp>> | undefined;
  try {
    await migrate(db.url);
    await installQueueSchema(db.url);
    await client.connect();
    app = await spawnApp({
      databaseUrl: db.url,
      githubHost: github.server.host,
      env: {
        ANTHROPIC_API_KEY: "sk-ant-test",
        ANTHROPIC_BASE_URL: model.baseURL,
        WAVE_DATA_DIR: mkdtempSync(join(tmpdir(), `wave-bench-${name}-`)),
        LOG_LEVEL: "error",
        ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
        ...(process.env.WAVE_SANDBOX_IMAGE ? { WAVE_SANDBOX_IMAGE: process.env.WAVE_SANDBOX_IMAGE } : {}),
      },
    });
    const settled = async () =>
      (await client.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL`)).rows[0].n === 0;
    return await body({ url: app.webhookUrl, github, model, client, settled });
  } finally {
    await app?.stop().catch(() => undefined);
    await client.end().catch(() => undefined);
    await model.close();
    await github.close();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Prints `requests` per route, most first; returns how many were writes (not reads, not token requests). */
export function printPerRoute(requests: readonly string[]): number {
  const perRoute = new Map<string, number>();
  for (const r of requests) perRoute.set(routeTemplate(r), (perRoute.get(routeTemplate(r)) ?? 0) + 1);
  for (const [route, n] of [...perRoute].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    console.log(`  ${String(n).padStart(3)} × ${route}`);
  }
  return requests.filter((r) => !r.startsWith("GET ") && !r.includes("/access_tokens")).length;
}
