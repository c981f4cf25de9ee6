/**
 * `npm run bench:iterate`: the GitHub requests of one iteration on WAVE's open PR, through the app
 * as `npm start` runs it (its own process, real sandbox, scripted model), GitHub on the loopback
 * fake that checks every request against GitHub's REST description: a person's changes-requested
 * review with two line comments → the new commit on the same PR with its three check runs and the
 * two thread replies. Printed per route and in total, reads and writes apart, with the ratio to the
 * issue's target (15) and to the iteration's writes measured in the same run. Printed, not
 * asserted: `test/iterate/review-iteration.test.ts` holds the ceiling.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { installQueueSchema } from "../src/jobs/queue.js";
import { startEmbeddedPostgres } from "../src/store/embedded-postgres.js";
import { migrate } from "../src/store/migrate.js";
import { storyGitHub } from "../test/e2e/story-github.js";
import { storyPayloads } from "../test/durability/support/story-payloads.js";
import { iterationModel } from "../test/iterate/review-model.js";
import { lineComment, reviewPayload } from "../test/iterate/review-payloads.js";
import { spawnApp } from "../test/support/app-process.js";
import { startFakeAnthropic } from "../test/support/fake-anthropic.js";
import { TEST_SECRET, waitFor } from "../test/support/test-keys.js";
import { deliver } from "../test/support/webhook-examples.js";

const TARGET = 15;
const ISSUE = 7;
const REPO_ID = 7171;
const fixture = fileURLToPath(new URL("../test/fixtures/repos/calc-js", import.meta.url));
const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);

/** `PATCH /repos/o/r/check-runs/5002` → `PATCH /repos/{owner}/{repo}/check-runs/{n}`. */
function template(request: string): string {
  return request
    .replace(/^(\S+ \/repos)\/[^/]+\/[^/]+/, "$1/{owner}/{repo}")
    .replace(/\/[0-9a-f]{40}(?=\/|$)/g, "/{sha}")
    .replace(/\/\d+(?=\/|$)/g, "/{n}")
    .replace(/heads%2F[^/]+$/, "heads%2F{branch}")
    .replace(/\?.*$/, "");
}

const dataDir = `.wave/bench-iterate-pg-${process.pid}`;
const db = await startEmbeddedPostgres({ dataDir, persistent: false });
const github = await storyGitHub({ config: "max_recycles: 1\n", repoDir: fixture, tarball });
const model = await startFakeAnthropic({ responder: iterationModel });
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
      WAVE_DATA_DIR: mkdtempSync(join(tmpdir(), "wave-bench-iterate-")),
      LOG_LEVEL: "error",
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ...(process.env.WAVE_SANDBOX_IMAGE ? { WAVE_SANDBOX_IMAGE: process.env.WAVE_SANDBOX_IMAGE } : {}),
    },
  });
  const url = app.webhookUrl;
  type Row = { id: string; status: string; head_sha: string | null; branch: string | null; pull_request: number | null; step: string };
  const story = async () =>
    (
      await client.query(
        `SELECT id, status, head_sha, branch, pull_request, snapshot->'context'->>'step' AS step FROM stories WHERE issue_number = $1`,
        [ISSUE],
      )
    ).rows[0] as Row | undefined;
  const settled = async () =>
    (await client.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL`)).rows[0].n === 0;

  const labeled = storyPayloads(REPO_ID).labeled(ISSUE);
  Object.assign(labeled.issue as object, { title: "add() subtracts" });
  await deliver(url, TEST_SECRET, "issues", labeled, randomUUID());
  const open = await waitFor(
    async () => {
      const r = await story();
      return r?.step === "reviewApproval" && r.head_sha && (await settled()) ? r : undefined;
    },
    300_000,
    "the story to wait for approval",
  );
  const head = open.head_sha ?? "";
  const reviewId = 4_200_001;
  github.fake.reviewComments.set(reviewId, [
    lineComment(reviewId, head, "src/calc.js", 2, "These are not a and b in the issue: name them x and y."),
    lineComment(reviewId, head, "src/calc.js", 3, "Add a one-line comment that says why this is a sum."),
  ]);
  const before = github.requests().length;
  const started = performance.now();
  const review = { id: reviewId, state: "changes_requested", body: "Two things, see the lines.", login: "maintainer" };
  await deliver(
    url,
    TEST_SECRET,
    "pull_request_review",
    reviewPayload(REPO_ID, open.pull_request ?? 0, head, open.branch ?? "", review),
    randomUUID(),
  );
  const checksOn = (sha: string) =>
    new Set([...github.fake.checkRuns.values()].map((w) => w[0] as { name: string; head_sha: string }).filter((c) => c.head_sha === sha))
      .size;
  await waitFor(
    async () => {
      const r = await story();
      if (r && r.status !== "active") throw new Error(`the story is ${r.status}, not iterating`);
      return r?.step === "reviewApproval" && r.head_sha !== head && github.fake.threadReplies.length >= 2 && (await settled())
        ? checksOn(r.head_sha ?? "") === 3
        : false;
    },
    300_000,
    "the new head with its checks and replies",
  );
  const seconds = (performance.now() - started) / 1000;

  const requests = github.requests().slice(before);
  if (process.env.BENCH_VERBOSE) console.log(requests.join("\n"));
  const perRoute = new Map<string, number>();
  for (const r of requests) perRoute.set(template(r), (perRoute.get(template(r)) ?? 0) + 1);
  const writes = requests.filter((r) => !r.startsWith("GET ") && !r.includes("/access_tokens")).length;
  console.log(
    `bench:iterate — one review iteration, changes requested with two line comments → new head with checks, in ${seconds.toFixed(1)} s`,
  );
  for (const [route, n] of [...perRoute].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) {
    console.log(`  ${String(n).padStart(3)} × ${route}`);
  }
  console.log(
    `GitHub requests per iteration: ${requests.length} (${requests.length - writes} reads or tokens, ${writes} writes); ` +
      `ratio to the target ${TARGET}: ${(requests.length / TARGET).toFixed(2)}; ratio to the iteration's writes: ${(requests.length / writes).toFixed(2)}; ` +
      `undocumented requests: ${github.server.undocumented.length}`,
  );
} finally {
  await app?.stop().catch(() => undefined);
  await client.end().catch(() => undefined);
  await model.close();
  await github.close();
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
