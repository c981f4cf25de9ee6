import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEvent } from "../../src/engine/apply-event.js";
import type { StoryGitHub } from "../e2e/story-github.js";
import { waitFor, type TestApp } from "../support/app-harness.js";
import type { CiSuite } from "../support/fake-git-repo.js";
import { ACTIONS, ciSuite, failingLog, gatesSummary, latestGates, runPayload, settle, suitePayload } from "./ci-payloads.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * `wave/gates` and fix iterations follow the checks the base branch's rules require, through
 * the running app: rulesets and classic protection on GitHub's loopback fake, GitHub's own
 * `check_suite.completed` and `check_run.completed` example payloads, the real sandbox and the
 * scripted model.
 */
const ISSUE = 63;
const REPO_ID = 6363;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);
const OTHER_CI = { id: 999, slug: "other-ci" };
const PROTECTION = "/repos/octo-org/hello/branches/main/protection/required_status_checks";
const RULES = "/repos/octo-org/hello/rules/branches/main";
const BRANCH = "/repos/octo-org/hello/branches/main";
const noAdmin = { kind: "refuse" as const, status: 403, body: { message: "Resource not accessible by integration" } };

let app: TestApp;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "ci_fix:\n  max_attempts: 2\n", instance: "iterate-required-e2e" });
  ({ app, github } = harness);
});
afterAll(async () => {
  // Every request WAVE made is one GitHub documents.
  expect((await harness?.close()) ?? []).toEqual([]);
});

const row = () => harness!.row(ISSUE) as Promise<IterateRow>;
const outcome = (id: string) => waitFor(() => harness!.outcome(id), 30_000, `the outcome of ${id}`);
const gatesSay = (sha: string, text: string) =>
  waitFor(
    async () => (await harness!.settled((await row()).id)) && gatesSummary(github, sha).includes(text),
    30_000,
    `wave/gates: ${text}`,
  );
const ciIterations = async (storyId: string) =>
  (await app.pool.query(`SELECT head_sha, feedback FROM story_iterations WHERE story_id = $1 AND source = 'ci' ORDER BY id`, [storyId]))
    .rows as { head_sha: string; feedback: string }[];
const count = (path: string) => github.requests().filter((r) => r === `GET ${path}`).length;

describe("the checks the base branch requires", () => {
  let first: IterateRow;
  let test: CiSuite;
  let lint: CiSuite;

  it("label → PR waiting for approval", { timeout: WAIT + 30_000 }, async () => {
    // A ruleset requires GitHub Actions' `test (node 20)`; classic protection requires the commit status `ci/legacy`,
    // which WAVE reads from the branch's summary: without `administration: read` the protection endpoint answers 403.
    // The ruleset requires `wave/gates` too, as a repository that gates merges on WAVE would: WAVE does not wait on itself.
    github.fake.rulesets.set("main", [[{ context: "test (node 20)", integration_id: ACTIONS.id }, { context: "wave/gates" }]]);
    github.fake.protection.set("main", { contexts: ["ci/legacy"], checks: [{ context: "ci/legacy", app_id: null }] });
    github.server.fault = ({ method, path }) => (method === "GET" && path === PROTECTION ? noAdmin : undefined);
    first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
  });

  it("a failing check nobody requires does not recycle; the required one is waited on, then passes", { timeout: 90_000 }, async () => {
    const head = first.head_sha ?? "";
    test = ciSuite(head, "in_progress", null);
    lint = ciSuite(head, "completed", "failure", { name: "lint", app: OTHER_CI });
    github.fake.ci.set(head, [test, lint]);
    github.fake.statuses.set(head, [{ context: "ci/legacy", state: "success", description: "legacy build passed" }]);

    await app.send("check_suite", suitePayload(first, lint, REPO_ID), "lint-failed");
    expect(await outcome("lint-failed")).toBe("waiting: required check(s) `test (node 20)` on " + head.slice(0, 7) + " still running");
    await gatesSay(head, `waiting for the required \`test (node 20)\` on ${head.slice(0, 7)}; failing but not required: \`lint\``);

    // A run nobody requires costs no request once the rules are known for the head.
    const before = github.requests().length;
    await app.send("check_run", runPayload(first, lint, REPO_ID), "lint-run");
    expect(await outcome("lint-run")).toMatch(/^ignored: `lint` is not a check the base branch requires/);
    expect(github.requests().length).toBe(before);

    // The required run finishes: its check_run event alone settles it, and the failing `lint` still sends nothing back.
    settle(test, "completed", "success");
    await app.send("check_run", runPayload(first, test, REPO_ID), "test-passed");
    expect(await outcome("test-passed")).toMatch(
      /the repository's checks passed on [0-9a-f]{7}: the required `ci\/legacy`, `test \(node 20\)` passed/,
    );
    await gatesSay(
      head,
      `the required \`ci/legacy\`, \`test (node 20)\` passed on ${head.slice(0, 7)}; failing but not required: \`lint\``,
    );
    expect(await ciIterations(first.id)).toEqual([]);
    expect((await row()).snapshot.context.step).toBe("reviewApproval");
    // The rules were read once for the head, not once per delivery.
    expect([count(PROTECTION), count(BRANCH), count(RULES)]).toEqual([1, 1, 1]);
    // `ci/legacy` has no check run, so its commit status was read.
    expect(count(`/repos/octo-org/hello/commits/${head}/status`)).toBeGreaterThan(0);
  });

  it(
    "the required run re-run and failing (a check_run event) → one fix iteration, though its suite reports too",
    { timeout: WAIT + 30_000 },
    async () => {
      const head = first.head_sha ?? "";
      settle(test, "completed", "failure");
      test.runs[0] = {
        ...test.runs[0],
        output: { title: "Process completed with exit code 1.", summary: "docs-check failed", annotations_count: 0 },
      } as CiSuite["runs"][number];
      github.fake.jobLogs.set(test.runs[0]?.id ?? 0, failingLog());
      await app.send("check_run", runPayload(first, test, REPO_ID), "test-failed-run");
      await app.send("check_suite", suitePayload(first, test, REPO_ID), "test-failed-suite");
      // The two deliveries of one failure may be handled in either order: one sends the story back, the other finds that done.
      const outcomes = [await outcome("test-failed-run"), await outcome("test-failed-suite")];
      const sent = outcomes.filter((o) => /failing checks `test \(node 20\)` sent the story back to build \(attempt 1 of 2\)/.test(o));
      expect(sent, outcomes.join("\n")).toHaveLength(1);
      expect(outcomes.find((o) => !sent.includes(o))).toMatch(
        /already sent the story back|not waiting at its PR|head moved on|not the PR's head/,
      );
      const after = await harness!.atRest(ISSUE, "the fix commit", WAIT, head);
      expect(after.status, after.snapshot.context.lastFailure ?? "").toBe("active");
      expect(after.head_sha).not.toBe(head);
      const iterations = await ciIterations(first.id);
      expect(iterations.map((i) => i.head_sha)).toEqual([head]);
      // Only the required check is the developer's to fix (ci_fix.only_required).
      expect(iterations[0]?.feedback).toContain("Check `test (node 20)` (github-actions) failed.");
      expect(iterations[0]?.feedback).not.toContain("`lint`");
      // wave/budget counts the fix as an iteration of its own, named for the check that started it.
      const budget = [...github.fake.checkRuns.values()]
        .filter(
          (w) =>
            (w[0] as { name: string; head_sha: string }).name === "wave/budget" &&
            (w[0] as { head_sha: string }).head_sha === after.head_sha,
        )
        .map((w) => (Object.assign({}, ...w) as { output?: { summary?: string } }).output?.summary ?? "")
        .at(-1);
      expect(budget).toMatch(/\| 0 \| first build \| \d+ \|/);
      expect(budget).toMatch(/\| 1 \| CI: `test \(node 20\)` \| [1-9]\d* \|/);
      first = after;
    },
  );

  it(
    "protection that cannot be read is said in wave/gates, which then waits on every check and goes green once all passed",
    { timeout: 90_000 },
    async () => {
      const head = first.head_sha ?? "";
      github.server.fault = ({ method, path }) => (method === "GET" && (path === PROTECTION || path === BRANCH) ? noAdmin : undefined);
      const green = ciSuite(head, "completed", "success");
      const slow = ciSuite(head, "in_progress", null, { name: "lint", app: OTHER_CI });
      github.fake.ci.set(head, [green, slow]);
      await app.send("check_suite", suitePayload(first, green, REPO_ID), "unreadable-waiting");
      expect(await outcome("unreadable-waiting")).toBe(`waiting: 1 other suite(s) on ${head.slice(0, 7)} still running`);
      await gatesSay(
        head,
        "WAVE cannot read the base branch's required checks (classic branch protection answered 403: Resource not accessible by integration, " +
          "and so did the branch's summary: Resource not accessible by integration): waiting on every check. " +
          `waiting for other-ci on ${head.slice(0, 7)}`,
      );

      settle(slow, "completed", "success");
      await app.send("check_suite", suitePayload(first, slow, REPO_ID), "unreadable-passed");
      expect(await outcome("unreadable-passed")).toMatch(/the repository's checks passed/);
      const s = await row();
      await applyEvent({ pool: app.pool, boss: app.boss, log: pino({ level: "silent" }) }, s.id, { type: "APPROVE", by: "maintainer" });
      await waitFor(
        async () => (await harness!.settled(s.id)) && latestGates(github, head).conclusion === "success",
        30_000,
        "wave/gates green once every check passed",
      );
      expect(latestGates(github, head).summary).toContain("waiting on every check. passed on");
      github.server.fault = undefined;
    },
  );
});
