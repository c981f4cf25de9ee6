/**
 * `npm run bench:story`: the GitHub requests of one one-iteration story, label to merged, through
 * the app as `npm start` runs it (its own process, real sandbox, scripted model), GitHub on the
 * loopback fake that checks every request against GitHub's REST description. Printed per route
 * (method and path template) and in total, reads and writes apart, the approval command's own
 * requests apart, with the ratio to the target (30) and to the story's writes measured in the same
 * run (the floor no cut can go under). Printed, not asserted: `test/e2e/story.test.ts` holds the ceiling.
 */
import { randomUUID } from "node:crypto";
import { printPerRoute, withAppBench } from "./support/app-bench.js";
import { scriptedModel } from "../test/e2e/story-model.js";
import { storyPayloads } from "../test/durability/support/story-payloads.js";
import { TEST_SECRET, waitFor } from "../test/support/test-keys.js";
import { deliver } from "../test/support/webhook-examples.js";

const TARGET = 30;
const ISSUE = 7;
const payloads = storyPayloads(7070);

await withAppBench("story", scriptedModel, async ({ url, github, client, settled }) => {
  const story = async () =>
    (await client.query(`SELECT id, status, head_sha, snapshot->'context'->>'step' AS step FROM stories WHERE issue_number = $1`, [ISSUE]))
      .rows[0] as { id: string; status: string; head_sha: string | null; step: string } | undefined;
  const started = performance.now();

  await deliver(url, TEST_SECRET, "issues", payloads.labeled(ISSUE), randomUUID());
  await waitFor(async () => (await story())?.step === "reviewApproval" && (await settled()), 300_000, "the story to wait for approval");
  // A maintainer's `/wave approve`, then GitHub's merge: both orders of its two closing events are the same requests.
  const beforeApprove = github.requests().length;
  await deliver(url, TEST_SECRET, "issue_comment", payloads.approve(ISSUE, 91_000), randomUUID());
  const ready = await waitFor(
    async () => {
      const r = await story();
      return r?.step === "merge" && r.head_sha && (await settled()) ? r : undefined;
    },
    120_000,
    "the story to be ready to merge",
  );
  const pull = github.fake.pulls[0];
  if (!pull || !ready.head_sha) throw new Error("no PR was opened");
  Object.assign(pull, { state: "closed", merged: true });
  // The merge, then the issue's close once the story is done: the order whose count does not depend on timing
  // (a close handled first asks GitHub for the PR's state: one request more).
  await deliver(url, TEST_SECRET, "pull_request", payloads.merged(pull, ready.head_sha), randomUUID());
  await waitFor(async () => (await story())?.status === "done" && (await settled()), 120_000, "the story to be done");
  const handled = async () =>
    (await client.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL`)).rows[0].n === 0;
  await deliver(url, TEST_SECRET, "issues", payloads.issueClosed(ISSUE), randomUUID());
  await waitFor(async () => (await handled()) && (await settled()), 60_000, "the issue's close to be handled");
  const seconds = (performance.now() - started) / 1000;

  const requests = github.requests();
  if (process.env.BENCH_VERBOSE) console.log(requests.join("\n"));
  console.log(`bench:story — one one-iteration story, label → approved → merged → done, in ${seconds.toFixed(1)} s`);
  const writes = printPerRoute(requests);
  // The person's `/wave approve` costs its own requests (👀 and 👍 on the comment, the approver's role, and the
  // configuration it is judged by: the repository's file and the organisation's, read per command): counted apart.
  const command = requests.filter(
    (r, i) =>
      r.includes("/comments/91000/reactions") ||
      r.includes("/collaborators/maintainer/permission") ||
      (i >= beforeApprove && r.startsWith("GET ") && r.includes("/contents/.github%2Fwave.yml")),
  ).length;
  const own = requests.length - command;
  console.log(
    `GitHub requests per story: ${requests.length} (${requests.length - writes} reads or tokens, ${writes} writes), ` +
      `of which the /wave approve command: ${command}, the story itself: ${own}; ` +
      `ratio of the story's to the target ${TARGET}: ${(own / TARGET).toFixed(2)}; ratio to the story's writes: ${(requests.length / writes).toFixed(2)}; ` +
      `undocumented requests: ${github.server.undocumented.length}`,
  );
});
