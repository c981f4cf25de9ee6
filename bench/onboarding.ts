/**
 * `npm run bench:onboarding`: an installation of 1,000 repositories (GitHub's own
 * installation.created example, its repository list grown to 1,000), signed and
 * delivered to the app running as `npm start` runs it, against the loopback GitHub fake,
 * which answers GitHub's secondary limit for content-creating requests (80 a minute,
 * 500 an hour) with 403 whenever a request would exceed it.
 *
 * GitHub's clock is compressed BENCH_TIME_SCALE times (default 60: a minute lasts one
 * second) in the fake and in the app's pacer alike, so an hour-long onboarding runs in
 * about a minute. Baselines in the same run, against a fresh fake each: a client that
 * sends the same 1,000 label writes as fast as it can (how often the limit answers when
 * nothing paces), and one that sends them exactly on the fastest schedule the limits
 * allow with the pacer's 5 % margin (the floor a pacer can reach). WAVE's wall time is printed as a ratio to the floor.
 * Targets: 0 secondary-limit answers; at most 2 GitHub requests per repository without labels.
 */
import { rmSync } from "node:fs";
import { nextSlot, type PaceWindow } from "../src/onboarding/content-pacer.js";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres.js";
import { migrate } from "../src/store/migrate.js";
import pg from "pg";
import { spawnApp } from "../test/support/app-process.js";
import { startFakeGitHub, type FakeGitHub } from "../test/support/fake-github-server.js";
import { TEST_SECRET, waitFor } from "../test/support/test-keys.js";
import { deliver } from "../test/support/webhook-examples.js";
import { installationCreated, knowRepositories } from "../test/onboarding/installation-payloads.js";

const REPOS = Number(process.env.BENCH_REPOS ?? 1000);
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 60);
const CONCURRENCY = process.env.BENCH_ONBOARD_CONCURRENCY ?? "4";
/** GitHub's published limits, on the compressed clock. */
const githubLimits: PaceWindow[] = [
  { max: 80, windowMs: 60_000 / SCALE },
  { max: 500, windowMs: 3_600_000 / SCALE },
];

const event = installationCreated(REPOS - 1);
const fresh = async () => {
  const github = await startFakeGitHub({ contentLimits: githubLimits });
  knowRepositories(github, event);
  return github;
};
const mutation = (i: number) => ({
  query: `mutation($repositoryId: ID!, $n0: String!, $c0: String!, $d0: String!) {
  c0: createLabel(input: { repositoryId: $repositoryId, name: $n0, color: $c0, description: $d0 }) { label { name } }
}`,
  variables: { repositoryId: event.repositories?.[i]?.node_id, n0: "wave", c0: "1d76db", d0: "bench" },
});
const post = (github: FakeGitHub, i: number) =>
  fetch(`${github.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(mutation(i)),
  }).then((r) => r.arrayBuffer());

async function unpaced(): Promise<{ ms: number; limited: number }> {
  const github = await fresh();
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < REPOS) await post(github, next++);
    }),
  );
  const result = { ms: performance.now() - start, limited: github.secondaryLimited };
  await github.close();
  return result;
}

async function floor(): Promise<{ ms: number; limited: number }> {
  const github = await fresh();
  const start = performance.now();
  const planned: number[] = [];
  for (let i = 0; i < REPOS; i++) {
    // The fastest schedule the limits allow with the margin WAVE's pacer plans with (windows 5 % long), so arrival jitter cannot fold two windows into one.
    const at = nextSlot(
      planned,
      githubLimits.map((w) => ({ ...w, windowMs: w.windowMs * 1.05 })),
      Date.now(),
    );
    planned.push(at);
    const wait = at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // One at a time, so requests arrive in the order they were planned.
    await post(github, i);
  }
  const result = { ms: performance.now() - start, limited: github.secondaryLimited };
  await github.close();
  return result;
}

const dataDir = `.wave/bench-onboarding-pg-${process.pid}`;
const db = await startEmbeddedPostgres({ dataDir, persistent: false });
try {
  await migrate(db.url);
  console.log(
    `bench:onboarding — ${REPOS} repositories, GitHub's content limits (80/min, 500/h) on a clock ${SCALE}× fast; ${CONCURRENCY} onboarding workers`,
  );
  const bare = await unpaced();
  console.log(`baseline, unpaced client: ${(bare.ms / 1000).toFixed(1)} s, ${bare.limited} secondary-limit answers of ${REPOS} writes`);
  const best = await floor();
  console.log(
    `baseline, the limits' floor: ${(best.ms / 1000).toFixed(1)} s (${((best.ms * SCALE) / 60_000).toFixed(1)} min on GitHub's clock), ${best.limited} secondary-limit answers`,
  );

  const github = await fresh();
  const app = await spawnApp({
    databaseUrl: db.url,
    githubHost: github.host,
    env: { LOG_LEVEL: "error", WAVE_PACE_TIME_SCALE: String(SCALE), WAVE_ONBOARD_CONCURRENCY: CONCURRENCY },
  });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const start = performance.now();
    const res = await deliver(app.webhookUrl, TEST_SECRET, "installation", event, "bench-onboarding");
    if (res.status !== 200) throw new Error(`delivery answered ${res.status}`);
    await waitFor(
      async () =>
        Number((await client.query(`SELECT count(*)::int AS n FROM wave_onboarding WHERE done_at IS NOT NULL`)).rows[0].n) === REPOS,
      30 * 60_000,
      "onboarding",
    );
    const ms = performance.now() - start;
    const labelled = Number(
      (await client.query(`SELECT count(*)::int AS n FROM wave_onboarding WHERE outcome LIKE 'labelled: created%'`)).rows[0].n,
    );
    const perRepo = github.requests.filter((r) => r.path === "/graphql").length / REPOS;
    const other = github.requests.filter((r) => r.path !== "/graphql").map((r) => `${r.method} ${r.path.replace(/\d+/g, ":id")}`);
    const duplicates = github.labelCreations.length - new Set(github.labelCreations).size;
    console.log(
      `WAVE: ${(ms / 1000).toFixed(1)} s wall (${((ms * SCALE) / 60_000).toFixed(1)} min on GitHub's clock), ${(ms / best.ms).toFixed(2)}× the floor`,
    );
    console.log(
      `WAVE: ${github.requests.length} GitHub requests (${other.length} besides the per-repository ones: ${[...new Set(other)].join(", ")}), ${github.secondaryLimited} secondary-limit answers (target 0)`,
    );
    console.log(
      `WAVE: ${perRepo.toFixed(2)} GitHub requests per repository without labels (target ≤ 2); ${labelled}/${REPOS} labelled, ${github.labelCreations.length} labels created, ${duplicates} duplicates, ${github.undocumented.length} undocumented requests`,
    );
  } finally {
    await client.end();
    await app.stop();
    await github.close();
  }
} finally {
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
