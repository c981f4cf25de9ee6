import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoryGitHub } from "../e2e/story-github.js";
import { waitFor, type TestApp } from "../support/app-harness.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import type { CiSuite } from "../support/fake-git-repo.js";
import { ciSuite, failingLog, gatesSummary, suitePayload as suitePayloadFor } from "./ci-payloads.js";
import { CI_FIXED } from "./review-model.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * The repository's own CI failing on WAVE's PR, through the running app: GitHub's own
 * `check_suite.completed` and `check_run` example payloads (ids and heads adapted), GitHub
 * Actions' suites, runs, annotations and job log on the loopback fake, the real sandbox and
 * the scripted model.
 */
const ISSUE = 61;
const REPO_ID = 6161;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);

let app: TestApp;
let fake: FakeAnthropic;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "max_recycles: 1\nci_fix:\n  max_attempts: 1\n", instance: "iterate-ci-e2e" });
  ({ app, fake, github } = harness);
});
afterAll(async () => {
  // Every request WAVE made is one GitHub documents.
  expect((await harness?.close()) ?? []).toEqual([]);
});

type Row = IterateRow;
const row = () => harness!.row(ISSUE);
const settled = (id: string) => harness!.settled(id);
const outcome = (deliveryId: string) => harness!.outcome(deliveryId);
const atRest = (what: string, unlike?: string) => harness!.atRest(ISSUE, what, WAIT, unlike);

const gates = (sha: string) => gatesSummary(github, sha);
const actionsSuite = (sha: string, status: CiSuite["status"], conclusion: CiSuite["conclusion"]) => ciSuite(sha, status, conclusion);
const suitePayload = (s: Row, suite: CiSuite) => suitePayloadFor(s, suite, REPO_ID);

describe("the repository's own CI on WAVE's PR", () => {
  let first: Row;
  let fixed = "";

  it("label → PR waiting for approval", { timeout: WAIT + 30_000 }, async () => {
    first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
  });

  it(
    "waits while another suite still runs, then a failing Actions suite → a fix commit, then success",
    { timeout: WAIT + 30_000 },
    async () => {
      const head = first.head_sha ?? "";
      const failing = actionsSuite(head, "completed", "failure");
      const running = { ...actionsSuite(head, "in_progress", null), app: { id: 999, slug: "other-ci" } };
      github.fake.ci.set(head, [failing, running]);
      const runId = failing.runs[0]?.id ?? 0;
      github.fake.jobLogs.set(runId, failingLog());
      await app.send("check_suite", suitePayload(first, failing), "suite-while-other-runs");
      await waitFor(() => outcome("suite-while-other-runs"), 30_000, "the first suite");
      expect(await outcome("suite-while-other-runs")).toMatch(/^waiting: 1 other suite/);
      // wave/gates says so on the head.
      await waitFor(
        async () =>
          (await settled(first.id)) && gates(head).includes(`**The repository's checks:** waiting for other-ci on ${head.slice(0, 7)}`),
        30_000,
        "wave/gates waiting for the repository's checks",
      );

      running.status = "completed";
      running.conclusion = "success";
      running.runs[0] = { ...running.runs[0], status: "completed", conclusion: "success" } as CiSuite["runs"][number];
      await app.send("check_suite", suitePayload(first, { ...running, runs: running.runs }), "suite-all-done");
      const after = await atRest("the fix commit", head);
      expect(after.status, after.snapshot.context.lastFailure ?? "").toBe("active");
      fixed = after.head_sha ?? "";
      expect(await outcome("suite-all-done")).toMatch(/failing checks `test \(node 20\)` sent the story back to build \(attempt 1 of 1\)/);
      expect(github.fake.commits.get(fixed)?.parents).toEqual([head]);
      expect(github.fake.filesOf(fixed).get("src/calc.js")?.content.toString()).toContain(CI_FIXED);
      // The developer read the run's output, its annotation and the tail of the job's log, as quoted data, timestamps stripped.
      const prompt = fake.messageRequests().find((r) => r.rawBody.includes("untrusted_job_log"))?.rawBody ?? "";
      expect(prompt).toContain("multiply() is undocumented for floats");
      expect(prompt).toContain("docs-check: multiply() does not say it takes floats");
      expect(prompt).toContain("Error: docs-check: multiply(0.1, 3)");
      expect(prompt).not.toContain("step 100");
      expect(prompt).not.toContain("2026-12-01T10:01:00");
      expect(github.requests()).toContain(`GET /repos/octo-org/hello/actions/jobs/${runId}/logs`);

      // CI passes on the fix: nothing more to do.
      const green = actionsSuite(fixed, "completed", "success");
      github.fake.ci.set(fixed, [green]);
      await app.send("check_suite", suitePayload(after, green), "suite-green");
      await waitFor(() => outcome("suite-green"), 30_000, "the green suite");
      expect(await outcome("suite-green")).toMatch(/the repository's checks passed/);
      await waitFor(
        async () => (await settled(after.id)) && gates(fixed).includes(`**The repository's checks:** passed on ${fixed.slice(0, 7)}`),
        30_000,
        "wave/gates with the passed checks",
      );
      expect((await row())?.head_sha).toBe(fixed);
    },
  );

  it(
    "a suite of an older head is ignored; failing again after ci_fix.max_attempts holds, naming the checks",
    { timeout: 60_000 },
    async () => {
      const r = (await row()) as Row;
      const stale = actionsSuite(first.head_sha ?? "", "completed", "failure");
      await app.send("check_suite", suitePayload(r, stale), "suite-stale");
      await waitFor(() => outcome("suite-stale"), 30_000, "the stale suite");
      expect(await outcome("suite-stale")).toMatch(/^ignored: suite of/);

      const again = actionsSuite(fixed, "completed", "failure");
      github.fake.ci.set(fixed, [again]);
      await app.send("check_suite", suitePayload(r, again), "suite-red-again");
      const held = await waitFor(async () => ((await row())?.status === "held" ? row() : undefined), 30_000, "the hold");
      expect(held?.snapshot.context.lastFailure).toBe(
        "the repository's checks still fail after 1 fix attempt(s) (ci_fix.max_attempts: 1): `test (node 20)`",
      );
    },
  );
});
