import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import { type TestApp } from "../support/app-harness.js";
import { githubExample } from "../support/webhook-examples.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * `wave/budget` per iteration, through the running app: a story's first build, then one review
 * iteration (GitHub's own `pull_request_review.submitted` and `pull_request_review_comment`
 * example payloads), the real sandbox and the scripted model; the ledger's rows know which
 * iteration they belong to and the check's summary shows one row for each.
 */
const ISSUE = 67;
const REPO_ID = 6767;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);

let app: TestApp;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "max_recycles: 1\n", instance: "iterate-budget-e2e" });
  ({ app, github } = harness);
});
afterAll(async () => {
  expect((await harness?.close()) ?? []).toEqual([]);
});

/** The newest `wave/budget` summary on `sha`. */
function budgetSummary(sha: string): string {
  let summary = "";
  for (const writes of github.fake.checkRuns.values()) {
    const created = writes[0] as { name: string; head_sha: string };
    if (created.head_sha !== sha || created.name !== "wave/budget") continue;
    summary = (Object.assign({}, ...writes) as { output?: { summary?: string } }).output?.summary ?? summary;
  }
  return summary;
}

/** The "Per iteration" rows of a summary: #, trigger, calls, cost in dollars. */
function iterationRows(summary: string): [number, string, number, number][] {
  const table = summary.split("**Per iteration**")[1] ?? "";
  return [...table.matchAll(/^\| (\d+) \| (.+?) \| (\d+) \| \$([\d.]+) \|$/gm)].map((m) => [
    Number(m[1]),
    m[2] ?? "",
    Number(m[3]),
    Number(m[4]),
  ]);
}

function review(s: IterateRow, reviewId: number): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { review: Record<string, unknown>; pull_request: Record<string, unknown> }>(
    "pull_request_review",
    "submitted",
  );
  const user = { ...(p.review.user as object), login: "maintainer", type: "User" };
  Object.assign(p.review, { id: reviewId, state: "changes_requested", body: "See the line.", commit_id: s.head_sha, user });
  Object.assign(p.pull_request, { number: s.pull_request, head: { ...(p.pull_request.head as object), ref: s.branch, sha: s.head_sha } });
  p.repository = storyRepository(REPO_ID);
  p.installation = { id: 9 };
  p.sender = user;
  return p;
}

describe("wave/budget per iteration", () => {
  it("the first build → one row; one review iteration → two rows that add up to the total", { timeout: 2 * WAIT + 30_000 }, async () => {
    const first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
    const once = iterationRows(budgetSummary(first.head_sha ?? ""));
    expect(once.map(([n, trigger]) => [n, trigger])).toEqual([[0, "first build"]]);
    expect(once[0]?.[2]).toBeGreaterThan(0);

    const reviewId = 4_400_001;
    const c = githubExample<{ comment: Record<string, unknown> }>("pull_request_review_comment", "created").comment;
    github.fake.reviewComments.set(reviewId, [
      {
        ...c,
        id: 991_001,
        pull_request_review_id: reviewId,
        in_reply_to_id: undefined,
        path: "src/calc.js",
        line: 2,
        original_line: 2,
        commit_id: first.head_sha,
        body: "Not a and b: name them x and y, and add a comment that says why this is a sum.",
      },
    ]);
    await app.send("pull_request_review", review(first, reviewId), "budget-review");
    const after = await harness!.atRest(ISSUE, "the iteration's commit", WAIT, first.head_sha ?? "");
    expect(after.status, after.snapshot.context.lastFailure ?? "").toBe("active");

    const summary = budgetSummary(after.head_sha ?? "");
    const rows = iterationRows(summary);
    expect(rows.map(([n, trigger]) => [n, trigger])).toEqual([
      [0, "first build"],
      [1, "review by @maintainer"],
    ]);
    // The first build's calls stay where they were; the iteration's are its own.
    expect(rows[0]?.[2]).toBe(once[0]?.[2]);
    expect(rows[1]?.[2]).toBeGreaterThan(0);
    const ledger = await app.pool.query(
      `SELECT count(*)::int AS n FROM model_calls m JOIN story_iterations i ON i.id = m.iteration_id WHERE m.story_id = $1 AND m.status <> 'failed'`,
      [first.id],
    );
    expect(ledger.rows[0].n).toBe(rows[1]?.[2]);
    const total = Number(/\| \*\*total\*\* \| \| (\d+) \|/.exec(summary)?.[1]);
    expect(rows.reduce((sum, r) => sum + r[2], 0)).toBe(total);
  });
});
