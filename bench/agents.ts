/**
 * npm run bench:agents — a scripted story through plan → pre-flight → build →
 * verify on the calc-js fixture, with the fake Anthropic API, the real SDK and
 * a real Postgres ledger. Prints, per story and as medians:
 *   - orchestration overhead: wall time minus time inside the fake model (as
 *     seen by the client, retries included) and inside workspace operations;
 *   - model requests and input tokens (uncached + cache reads + cache writes);
 *   - the share of developer input tokens under a cache breakpoint after the
 *     first developer turn (cache reads + writes over all input).
 * Targets: overhead < 2 s, cached share ≥ 80 %.
 *
 * Options: --stories N (default 5), --model-delay-ms N (fake latency per
 * request, default 0), --runner local|docker (default local: a temporary
 * directory, see test/agents/support/local-workspace.ts; docker: the real
 * Docker + gVisor sandbox). DATABASE_URL is used when set, else an embedded
 * Postgres. The overhead figure excludes workspace time either way.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { createAnthropicClient } from "../src/agents/anthropic-client.js";
import { estimateInputTokens } from "../src/agents/cost.js";
import { runDeveloper } from "../src/agents/developer.js";
import { pgBudgetLedger } from "../src/agents/ledger.js";
import { runPlanner } from "../src/agents/planner.js";
import { preflightEstimate } from "../src/agents/preflight.js";
import { summarizeRepository } from "../src/agents/repo-summary.js";
import { runVerify } from "../src/agents/verify.js";
import { agentsSection } from "../src/config/sections/agents.js";
import { builtInPrices } from "../src/config/sections/budget.js";
import type { Workspace } from "../src/sandbox/runner.js";
import { startEmbeddedPostgres, withDatabase } from "../src/store/embedded-postgres.js";
import { migrate } from "../src/store/migrate.js";
import { bash, done, edit, submitPlan } from "../test/agents/scripts.js";
import { fixtureTarball } from "../test/agents/support/fixture-tarball.js";
import { localWorkspaceFrom } from "../test/agents/support/local-workspace.js";
import { createDockerRunner } from "../src/sandbox/docker-runner.js";
import { startFakeAnthropic } from "../test/support/fake-anthropic.js";
import type { FakeAnthropic, FakeReply } from "../test/support/fake-anthropic.js";

const { values } = parseArgs({
  options: {
    stories: { type: "string", default: "5" },
    "model-delay-ms": { type: "string", default: "0" },
    runner: { type: "string", default: "local" },
  },
});
if (values.runner !== "local" && values.runner !== "docker") throw new Error("--runner is local or docker");
const docker = values.runner === "docker" ? createDockerRunner({ instance: `bench-agents-${process.pid}` }) : undefined;
const stories = Number(values.stories);
const modelDelayMs = Number(values["model-delay-ms"]);
const fixture = fileURLToPath(new URL("../test/fixtures/repos/calc-js", import.meta.url));
const agents = agentsSection.parse({});

/** Times every workspace operation, so the overhead figure can leave it out. */
function timed(ws: Workspace): { ws: Workspace; ms: () => number } {
  let total = 0;
  const time =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        total += performance.now() - t;
      }
    };
  return {
    ws: {
      id: ws.id,
      exec: time(ws.exec.bind(ws)),
      readFile: time(ws.readFile.bind(ws)),
      writeFile: time(ws.writeFile.bind(ws)),
      exportChange: time(ws.exportChange.bind(ws)),
      destroy: ws.destroy.bind(ws),
    },
    ms: () => total,
  };
}

function script(): FakeReply[] {
  const replies: FakeReply[] = [
    submitPlan(),
    edit({ command: "view", path: "." }),
    edit({ command: "view", path: "src/calc.js" }),
    edit({ command: "view", path: "test/calc.test.js" }),
    bash("npm test"),
    edit({ command: "str_replace", path: "src/calc.js", old_str: "return a - b;", new_str: "return a + b;" }),
    bash("npm test"),
    done(),
  ];
  return replies.map((r) => ({ ...r, delayMs: modelDelayMs }));
}

async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => undefined };
  const server = await startEmbeddedPostgres({ dataDir: `.wave/bench-agents-pg-${process.pid}`, persistent: false });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query("CREATE DATABASE wave_bench_agents");
  await admin.end();
  return { url: withDatabase(server.url, "wave_bench_agents"), stop: server.stop };
}

interface Row {
  wallMs: number;
  modelMs: number;
  workspaceMs: number;
  overheadMs: number;
  requests: number;
  inputTokens: number;
  cachedShare: number;
  /** Cache reads alone over all input: the part billed at the cache-read price. */
  readShare: number;
  costUsd: number;
}

async function oneStory(pool: pg.Pool, storyNo: number): Promise<Row> {
  const fake = await startFakeAnthropic({ script: script(), minCacheableTokens: 512 });
  const raw = docker
    ? await docker.createWorkspace({ storyId: `bench-${storyNo}`, jobId: "bench-agents" }, fixtureTarball(fixture))
    : await localWorkspaceFrom(fixture);
  try {
    return await measuredStory(pool, storyNo, fake, raw);
  } finally {
    await fake.close();
    await raw.destroy();
  }
}

async function measuredStory(pool: pg.Pool, storyNo: number, fake: FakeAnthropic, raw: Workspace): Promise<Row> {
  const { ws, ms: workspaceMs } = timed(raw);
  const ledger = pgBudgetLedger(pool);
  const client = createAnthropicClient(agents.api, { ANTHROPIC_API_KEY: "sk-bench", ANTHROPIC_BASE_URL: fake.baseURL });
  const scope = { storyId: crypto.randomUUID(), repoId: 1, storyCapUsd: 4, repoCapUsd: 1e6 };
  const deps = { client, ledger, scope, prices: {} };
  let modelMs = 0;
  const story = { title: "add() subtracts", body: `add(2, 3) returns -1; it should return 5. (story ${storyNo})` };
  const started = performance.now();

  const summary = await summarizeRepository(ws, agents.limits.max_summary_chars);
  const planned = await runPlanner(deps, { story, summary, role: agents.planner, configuredTestCommand: null });
  const position = await ledger.position(scope);
  const estimate = preflightEstimate({
    plan: planned.plan,
    basePromptTokens: estimateInputTokens({ messages: [planned.markdown] }),
    developer: {
      max_tokens: agents.developer.max_tokens,
      price: builtInPrices[agents.developer.model]!,
      maxTurns: agents.limits.max_turns,
    },
    maxRecycles: 3,
    position,
  });
  if (!estimate.fits) throw new Error("pre-flight refused the bench story");
  const outcome = await runDeveloper(
    { ...deps, workspace: ws, screen: { screen: async () => ({ decision: "allow", score: 1, reasons: [], ruleIds: [] }) } },
    {
      storyId: scope.storyId,
      story,
      plan: planned.plan,
      role: agents.developer,
      limits: {
        maxTurns: agents.limits.max_turns,
        maxWallMs: agents.limits.max_wall_seconds * 1000,
        maxToolResultChars: agents.limits.max_tool_result_chars,
        commandTimeoutMs: agents.limits.command_timeout_seconds * 1000,
      },
    },
  );
  const verified = await runVerify(ws, planned.plan.test_command ?? "false", {
    timeoutMs: 120_000,
    maxOutputChars: agents.limits.max_failure_chars,
  });
  const wallMs = performance.now() - started;
  if (outcome.status !== "done" || !verified.passed) throw new Error(`bench story did not pass: ${outcome.status} / ${verified.output}`);

  const calls = await ledger.calls(scope.storyId);
  modelMs = calls.reduce((n, c) => n + (c.latencyMs ?? 0), 0);
  const requests = fake.messageRequests();
  const tokens = (r: (typeof requests)[number]) =>
    (r.usage?.input_tokens ?? 0) + (r.usage?.cache_read_input_tokens ?? 0) + (r.usage?.cache_creation_input_tokens ?? 0);
  const developerAfterFirst = requests.slice(2);
  const allIn = developerAfterFirst.reduce((n, r) => n + tokens(r), 0);
  const cachedIn = developerAfterFirst.reduce(
    (n, r) => n + (r.usage?.cache_read_input_tokens ?? 0) + (r.usage?.cache_creation_input_tokens ?? 0),
    0,
  );
  return {
    wallMs,
    modelMs,
    workspaceMs: workspaceMs(),
    overheadMs: wallMs - modelMs - workspaceMs(),
    requests: requests.length,
    inputTokens: requests.reduce((n, r) => n + tokens(r), 0),
    cachedShare: allIn === 0 ? 0 : cachedIn / allIn,
    readShare: allIn === 0 ? 0 : developerAfterFirst.reduce((n, r) => n + (r.usage?.cache_read_input_tokens ?? 0), 0) / allIn,
    costUsd: calls.reduce((n, c) => n + (c.costUsd ?? 0), 0),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

const db = await database();
await migrate(db.url);
const pool = new pg.Pool({ connectionString: db.url, max: 4 });
// Idle connections are cut when the embedded server stops; that is the end of the run, not an error.
pool.on("error", () => undefined);
try {
  const rows: Row[] = [];
  for (let i = 0; i < stories; i++) rows.push(await oneStory(pool, i));
  console.log("story  wall_ms  model_ms  workspace_ms  overhead_ms  requests  input_tokens  cached_share  read_share  cost_usd");
  rows.forEach((r, i) =>
    console.log(
      [
        i + 1,
        r.wallMs.toFixed(0),
        r.modelMs.toFixed(0),
        r.workspaceMs.toFixed(0),
        r.overheadMs.toFixed(0),
        r.requests,
        r.inputTokens,
        `${(r.cachedShare * 100).toFixed(1)}%`,
        `${(r.readShare * 100).toFixed(1)}%`,
        r.costUsd.toFixed(4),
      ]
        .map(String)
        .join("  "),
    ),
  );
  const overhead = median(rows.map((r) => r.overheadMs));
  const share = median(rows.map((r) => r.cachedShare));
  console.log(
    `\nmedian of ${rows.length}: overhead ${overhead.toFixed(0)} ms (target < 2000: ${overhead < 2000 ? "met" : "MISSED"}), ` +
      `${median(rows.map((r) => r.requests))} model requests, ${median(rows.map((r) => r.inputTokens))} input tokens per story, ` +
      `${(share * 100).toFixed(1)} % of developer input tokens under a cache breakpoint after the first turn (target ≥ 80 %: ${share >= 0.8 ? "met" : "MISSED"}; ${(median(rows.map((r) => r.readShare)) * 100).toFixed(1)} % read from the cache), ` +
      `$${median(rows.map((r) => r.costUsd)).toFixed(4)} per story at list prices`,
  );
} finally {
  await pool.end();
  await db.stop();
}
