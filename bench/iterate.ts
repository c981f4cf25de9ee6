/**
 * `npm run bench:iterate`: the GitHub requests of one iteration on WAVE's open PR, through the app
 * as `npm start` runs it (its own process, real sandbox, scripted model), GitHub on the loopback
 * fake that checks every request against GitHub's REST description: a person's changes-requested
 * review with two line comments → the new commit on the same PR with its three check runs and the
 * two thread replies. Printed per route and in total, reads and writes apart, with the ratio to the
 * issue's target (15) and to the iteration's writes measured in the same run. Printed, not
 * asserted: `test/iterate/review-iteration.test.ts` holds the ceiling.
 */
import { randomUUID } from "node:crypto";
import { printPerRoute, withAppBench } from "./support/app-bench.js";
import { storyPayloads } from "../test/durability/support/story-payloads.js";
import { iterationModel } from "../test/iterate/review-model.js";
import { lineComment, reviewPayload } from "../test/iterate/review-payloads.js";
import { TEST_SECRET, waitFor } from "../test/support/test-keys.js";
import { deliver } from "../test/support/webhook-examples.js";

const TARGET = 15;
const ISSUE = 7;
const REPO_ID = 7171;

await withAppBench("iterate", iterationModel, async ({ url, github, client, settled }) => {
  type Row = { id: string; status: string; head_sha: string | null; branch: string | null; pull_request: number | null; step: string };
  const story = async () =>
    (
      await client.query(
        `SELECT id, status, head_sha, branch, pull_request, snapshot->'context'->>'step' AS step FROM stories WHERE issue_number = $1`,
        [ISSUE],
      )
    ).rows[0] as Row | undefined;

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
  console.log(
    `bench:iterate — one review iteration, changes requested with two line comments → new head with checks, in ${seconds.toFixed(1)} s`,
  );
  const writes = printPerRoute(requests);
  console.log(
    `GitHub requests per iteration: ${requests.length} (${requests.length - writes} reads or tokens, ${writes} writes); ` +
      `ratio to the target ${TARGET}: ${(requests.length / TARGET).toFixed(2)}; ratio to the iteration's writes: ${(requests.length / writes).toFixed(2)}; ` +
      `undocumented requests: ${github.server.undocumented.length}`,
  );
});
