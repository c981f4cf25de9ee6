/**
 * `npm run bench:webhooks`: signed `issues.labeled` and `issue_comment.created`
 * deliveries into the running app on loopback, GitHub answered by a local stub.
 * Measures time to acknowledge at a fixed 100 deliveries/s, and sustained
 * throughput with a closed loop, for WAVE and for a bare Probot app in the same
 * run, and prints the ratio. Targets: p99 < 100 ms at 100/s; WAVE at least half
 * of bare Probot's throughput.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres.js";
import { migrate } from "../src/store/migrate.js";
import { spawnApp, type AppProcess } from "../test/support/app-process.js";
import { startFakeGitHub } from "../test/support/fake-github-server.js";
import { TEST_SECRET } from "../test/support/test-keys.js";
import { githubExample, signature } from "../test/support/webhook-examples.js";
import { fmt, summary } from "./stats.js";

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const LOOP_SECONDS = Number(process.env.BENCH_LOOP_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const labeled = githubExample<Record<string, unknown> & { label: { name: string }; issue: { number: number } }>("issues", "labeled");
labeled.label.name = "wave";
const comment = githubExample<Record<string, unknown> & { comment: { body: string } }>("issue_comment", "created");
comment.comment.body = "Looks good to me.";

let issue = 1;
function nextDelivery(): { name: string; body: string } {
  if (issue % 2 === 0) {
    return { name: "issue_comment", body: JSON.stringify({ ...comment, installation: { id: 1 } }) };
  }
  return {
    name: "issues",
    body: JSON.stringify({ ...labeled, issue: { ...(labeled.issue as object), number: issue++ + 1000 }, installation: { id: 1 } }),
  };
}

async function send(url: string): Promise<number> {
  const { name, body } = nextDelivery();
  issue++;
  const started = performance.now();
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signature(body, TEST_SECRET),
    },
    body,
  });
  await res.arrayBuffer();
  if (res.status >= 300) throw new Error(`delivery answered ${res.status}`);
  return performance.now() - started;
}

async function fixedRate(url: string): Promise<number[]> {
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  const total = RATE * SECONDS;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(url).then((ms) => void latencies.push(ms)));
  }
  await Promise.all(pending);
  return latencies;
}

async function closedLoop(url: string): Promise<number> {
  let done = 0;
  const until = performance.now() + LOOP_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        await send(url);
        done++;
      }
    }),
  );
  return done / LOOP_SECONDS;
}

async function measure(name: string, app: AppProcess) {
  for (let i = 0; i < 50; i++) await send(app.webhookUrl); // warm-up
  const latencies = summary(await fixedRate(app.webhookUrl));
  const throughput = await closedLoop(app.webhookUrl);
  console.log(
    `${name.padEnd(12)} at ${RATE}/s: p50 ${fmt(latencies.p50)}, p99 ${fmt(latencies.p99)}, max ${fmt(latencies.max)} (${latencies.n} deliveries); sustained ${throughput.toFixed(0)} deliveries/s (closed loop, ${CONCURRENCY} in flight)`,
  );
  return { latencies, throughput };
}

const dataDir = `.wave/bench-pg-${process.pid}`;
const pg = await startEmbeddedPostgres({ dataDir, persistent: false });
const github = await startFakeGitHub();
try {
  await migrate(pg.url);
  console.log(`bench:webhooks — ${RATE}/s for ${SECONDS} s, then ${LOOP_SECONDS} s closed loop; GitHub stubbed on loopback`);
  const bare = await spawnApp({ databaseUrl: pg.url, githubHost: github.host, entry: "bench/bare-probot.ts" });
  const bareResult = await measure("bare Probot", bare);
  await bare.stop();
  // As `npm start` runs it: webhooks and every queue worker in one process.
  const wave = await spawnApp({ databaseUrl: pg.url, githubHost: github.host, env: { LOG_LEVEL: "error" } });
  const waveResult = await measure("WAVE", wave);
  await wave.stop();
  // A webhook-only replica (workers run on other replicas): the acknowledgement path alone.
  const web = await spawnApp({
    databaseUrl: pg.url,
    githubHost: github.host,
    env: { LOG_LEVEL: "error", WAVE_DELIVERY_CONCURRENCY: "0", WAVE_EFFECTS_CONCURRENCY: "0", WAVE_GATE_CONCURRENCY: "0" },
  });
  const webResult = await measure("WAVE (web)", web);
  await web.stop();
  console.log(
    `throughput ratio WAVE / bare Probot: ${(waveResult.throughput / bareResult.throughput).toFixed(2)} all-in-one, ${(webResult.throughput / bareResult.throughput).toFixed(2)} webhook-only replica (target ≥ 0.5)`,
  );
  console.log(
    `WAVE p99 at ${RATE}/s: ${fmt(waveResult.latencies.p99)} all-in-one, ${fmt(webResult.latencies.p99)} webhook-only (target < 100 ms)`,
  );
} finally {
  await github.close();
  await pg.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
