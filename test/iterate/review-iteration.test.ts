import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEvent } from "../../src/engine/apply-event.js";
import { SAME_CHANGE_REASON } from "../../src/iterate/after-publish.js";
import { storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import { waitFor, type TestApp } from "../support/app-harness.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import { ADDRESSED } from "./review-model.js";
import { lineComment, reviewPayload as review } from "./review-payloads.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * Iterating on WAVE's PR through the running app: GitHub's own `pull_request_review` and
 * `pull_request_review_comment` example payloads (ids and heads adapted), GitHub faked on
 * loopback and held against its REST description, the real gVisor sandbox for build and
 * verify, the scripted model and real Postgres.
 */
const ISSUE = 51;
const REPO_ID = 5151;
/**
 * GitHub requests one iteration may make, from the review's delivery to the new head with its checks and thread
 * replies. The issue's target is 15, not met: measured here 20 (see docs/iteration.md for where they go). An
 * iteration's renders are folded by the story's state (once at its start, once at its end), not by when the effects
 * job happens to run, so the count no longer moves with load; the ceiling leaves two requests of room (a publish
 * on a replica that has not seen the last head reads its two commits again) and keeps the count from growing.
 */
const TARGET_REQUESTS_PER_ITERATION = 15;
const MAX_REQUESTS_PER_ITERATION = 22;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);

let app: TestApp;
let fake: FakeAnthropic;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "max_recycles: 1\niterate:\n  max_iterations: 2\n", instance: "iterate-e2e" });
  ({ app, fake, github } = harness);
  github.server.roles.set("visitor", "read");
});
afterAll(async () => {
  // Every request WAVE made is one GitHub documents.
  expect((await harness?.close()) ?? []).toEqual([]);
});

type Row = IterateRow;
const row = () => harness!.row(ISSUE);
const settled = (id: string) => harness!.settled(id);
const outcome = (deliveryId: string) => harness!.outcome(deliveryId);
function checksOn(sha: string): Map<string, Record<string, unknown>> {
  const latest = new Map<string, Record<string, unknown>>();
  for (const writes of github.fake.checkRuns.values()) {
    const created = writes[0] as { name: string; head_sha: string };
    if (created.head_sha === sha) latest.set(created.name, Object.assign({}, ...writes));
  }
  return latest;
}
/** The story's status comment on the issue, as GitHub holds it now. */
const statusComment = () => github.issue(ISSUE).comments.find((c) => c.body.includes("<!-- wave:story="))?.body ?? "";
/** Waits until the story stands at `reviewApproval` (or stops being active) with every effect delivered. */
const atRest = (what: string) => harness!.atRest(ISSUE, what, WAIT);

/** GitHub's `pull_request_review.submitted` example on this story's PR `number` at `head`, by `login`. */
const reviewPayload = (number: number, head: string, branch: string, by: Parameters<typeof review>[4]) =>
  review(REPO_ID, number, head, branch, by);

describe("a story iterating on its PR", () => {
  let first: Row;
  let second = "";

  it("label → PR waiting for approval", { timeout: WAIT + 30_000 }, async () => {
    first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
  });

  it(
    "a changes-requested review with two line comments → one new commit addressing both, two thread replies, checks on the new head",
    { timeout: WAIT + 30_000 },
    async () => {
      const head = first.head_sha ?? "";
      const pr = first.pull_request ?? 0;
      const reviewId = 4_100_001;
      const comments = [
        lineComment(reviewId, head, "src/calc.js", 2, "These are not a and b in the issue: name them x and y."),
        lineComment(reviewId, head, "src/calc.js", 3, "Add a one-line comment that says why this is a sum."),
      ];
      github.fake.reviewComments.set(reviewId, comments);
      const commitsBefore = github.fake.count("POST", /\/git\/commits$/);
      const requestsBefore = github.requests().length;
      const deliveryId = "review-two-comments";
      await app.send(
        "pull_request_review",
        reviewPayload(pr, head, first.branch ?? "", {
          id: reviewId,
          state: "changes_requested",
          body: "Two things, see the lines.",
          login: "maintainer",
        }),
        deliveryId,
      );
      const after = await waitFor(
        async () => {
          const r = await row();
          if (!r) return undefined;
          if (r.status !== "active") return r;
          if (r.head_sha === head) return undefined;
          const replied = github.fake.threadReplies.length >= 2;
          return r.snapshot.context.step === "reviewApproval" && replied && (await settled(r.id)) && checksOn(r.head_sha ?? "").size === 3
            ? r
            : undefined;
        },
        WAIT,
        "the new head with its checks and replies",
      );
      expect(after.status, after.snapshot.context.lastFailure ?? "").toBe("active");
      second = after.head_sha ?? "";
      // One new commit, on the same branch and PR, on top of the reviewed head.
      expect(github.fake.count("POST", /\/git\/commits$/)).toBe(commitsBefore + 1);
      expect(github.fake.pulls).toHaveLength(1);
      expect(github.fake.refs.get(`refs/heads/${first.branch}`)).toBe(second);
      expect(github.fake.commits.get(second)?.parents).toEqual([head]);
      expect(github.fake.filesOf(second).get("src/calc.js")?.content.toString()).toContain(ADDRESSED);
      // Each line comment answered once, in its own thread, naming the commit.
      expect(github.fake.threadReplies.map((r) => r.commentId).sort()).toEqual(comments.map((c) => c.id).sort());
      for (const reply of github.fake.threadReplies) expect(reply.body).toContain(`Addressed in ${second}`);
      // The checks follow the new head.
      const checks = checksOn(second);
      expect([...checks.keys()].sort()).toEqual(["wave/budget", "wave/gates", "wave/safety"]);
      expect(checks.get("wave/gates")).toMatchObject({ status: "completed", conclusion: "action_required" });
      // While the iteration ran, the reviewed head's wave/gates said so, written once (in progress blocks a merge).
      const iterating = [...github.fake.checkRuns.values()].filter(
        (writes) => (writes[0] as { head_sha: string }).head_sha === head && (writes[0] as { name: string }).name === "wave/gates",
      );
      expect(iterating.at(-1)).toEqual([
        expect.objectContaining({ status: "in_progress", output: expect.objectContaining({ title: `Iterating on PR #${pr}` }) }),
      ]);
      // Once the iteration ended, the status comment no longer says it runs.
      expect(statusComment()).toContain("🟡 waiting for a human");
      expect(statusComment()).not.toContain("Iterating on PR");
      // The developer read both line comments as quoted data.
      const developerPrompts = fake.messageRequests().map((r) => r.rawBody);
      expect(developerPrompts.some((b) => b.includes("name them x and y") && b.includes("says why this is a sum"))).toBe(true);
      expect(await outcome(deliveryId)).toMatch(/sent the story back to build with 2 line comment/);

      const requests = github.requests().slice(requestsBefore);
      const perKind = new Map<string, number>();
      for (const r of requests) {
        const key = r.replace(/\/[0-9a-f]{40}|\/\d+/g, "/:id").replace(/\?.*$/, "");
        perKind.set(key, (perKind.get(key) ?? 0) + 1);
      }
      console.log(
        `GitHub requests for one iteration (review → new head with checks and thread replies): ${requests.length} (the issue's target ≤ ${TARGET_REQUESTS_PER_ITERATION}, ceiling ${MAX_REQUESTS_PER_ITERATION})`,
      );
      console.log([...perKind].map(([k, n]) => `  ${n} × ${k}`).join("\n"));
      console.log(`  ${(requests.length / TARGET_REQUESTS_PER_ITERATION).toFixed(2)}× the target`);
      expect(requests.length).toBeLessThanOrEqual(MAX_REQUESTS_PER_ITERATION);
      // The iteration is rendered at its start and its end, whatever the gates between and whenever the effects job ran.
      expect(perKind.get("PATCH /repos/octo-org/hello/issues/comments/:id")).toBe(2);
      // A redelivered review changes nothing.
      await app.send(
        "pull_request_review",
        reviewPayload(pr, head, first.branch ?? "", {
          id: reviewId,
          state: "changes_requested",
          body: "Two things, see the lines.",
          login: "maintainer",
        }),
        deliveryId,
      );
      expect(github.fake.threadReplies).toHaveLength(2);
    },
  );

  it(
    "ignores reviews by bots, answers once a person without the role, and ignores PRs WAVE did not open",
    { timeout: 60_000 },
    async () => {
      const r = (await row()) as Row;
      const pr = r.pull_request ?? 0;
      const bot = "review-by-bot";
      await app.send(
        "pull_request_review",
        reviewPayload(pr, second, r.branch ?? "", {
          id: 4_100_002,
          state: "changes_requested",
          body: "wave: rename it",
          login: "helper[bot]",
          type: "Bot",
        }),
        bot,
      );
      const visitor = "review-by-visitor";
      await app.send(
        "pull_request_review",
        reviewPayload(pr, second, r.branch ?? "", {
          id: 4_100_003,
          state: "changes_requested",
          body: "@wave please rename add()",
          login: "visitor",
        }),
        visitor,
      );
      const quiet = "review-by-visitor-quiet";
      await app.send(
        "pull_request_review",
        reviewPayload(pr, second, r.branch ?? "", {
          id: 4_100_004,
          state: "changes_requested",
          body: "I would rename this.",
          login: "visitor",
        }),
        quiet,
      );
      const elsewhere = "review-elsewhere";
      await app.send(
        "pull_request_review",
        reviewPayload(999, "f".repeat(40), "feature/x", {
          id: 4_100_005,
          state: "changes_requested",
          body: "wave, fix this please",
          login: "maintainer",
        }),
        elsewhere,
      );
      await waitFor(
        async () => (await Promise.all([bot, visitor, quiet, elsewhere].map(outcome))).every(Boolean),
        30_000,
        "the four deliveries",
      );
      expect(await outcome(bot)).toBe("ignored: review by a bot");
      expect(await outcome(visitor)).toBe("ignored: @visitor may not send the story back (replied)");
      expect(await outcome(quiet)).toBe("ignored: @visitor may not send the story back");
      expect(await outcome(elsewhere)).toBe("ignored: PR #999 is not WAVE's (replied)");
      await waitFor(() => settled(r.id), 30_000, "the refusal reply");
      const onPr = github.server.comments.get(`${String(storyRepository(REPO_ID).full_name)}#${pr}`) ?? [];
      expect(onPr.filter((c) => c.body.includes("@visitor, I did not act on this review"))).toHaveLength(1);
      const on999 = github.server.comments.get(`${String(storyRepository(REPO_ID).full_name)}#999`) ?? [];
      expect(on999).toHaveLength(1);
      const still = (await row()) as Row;
      expect(still.head_sha).toBe(second);
      expect(still.snapshot.context.step).toBe("reviewApproval");
    },
  );

  it("the same feedback producing the same change holds the story with the reason", { timeout: WAIT + 30_000 }, async () => {
    const r = (await row()) as Row;
    await app.send(
      "pull_request_review",
      reviewPayload(r.pull_request ?? 0, second, r.branch ?? "", {
        id: 4_100_006,
        state: "changes_requested",
        body: "Look at it again.",
        login: "maintainer",
      }),
      "review-again",
    );
    const held = await waitFor(
      async () => {
        const now = await row();
        return now?.status === "held" && (await settled(now.id)) ? now : undefined;
      },
      WAIT,
      "the loop guard's hold",
    );
    expect(held.snapshot.context.lastFailure).toBe(SAME_CHANGE_REASON);
    // A hold during an iteration is shown at once, not folded into the iteration's one render.
    expect(statusComment()).toContain("🟠 held");
    expect(statusComment()).not.toContain("Iterating on PR");
    expect(held.head_sha).toBe(second);
    expect(github.fake.threadReplies).toHaveLength(2);
  });

  it("after max_iterations a further review holds the story, naming the limit", { timeout: WAIT + 30_000 }, async () => {
    const r = (await row()) as Row;
    const deps = { pool: app.pool, boss: app.boss, log: pino({ level: "silent" }) };
    // A person retries: the review gate runs again on the same head and the story waits for approval.
    expect((await applyEvent(deps, r.id, { type: "RETRY", by: "maintainer", role: "write" })).applied).toBe(true);
    await atRest("the retried review gate");
    const deliveryId = "review-over-the-limit";
    await app.send(
      "pull_request_review",
      reviewPayload(r.pull_request ?? 0, second, r.branch ?? "", {
        id: 4_100_007,
        state: "changes_requested",
        body: "And once more.",
        login: "maintainer",
      }),
      deliveryId,
    );
    const held = await waitFor(
      async () => {
        const now = await row();
        return now?.status === "held" ? now : undefined;
      },
      30_000,
      "the iteration limit's hold",
    );
    expect(held.snapshot.context.lastFailure).toMatch(/^2 iterations already ran on this pull request \(iterate\.max_iterations: 2\)/);
    expect(await outcome(deliveryId)).toMatch(/held after 2 iterations/);
  });
});
