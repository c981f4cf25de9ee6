import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import { waitFor, type TestApp } from "../support/app-harness.js";
import { githubExample } from "../support/webhook-examples.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * Line comments arrive twice: as `pull_request_review_comment.created` each, and inside their
 * review's `pull_request_review.submitted`. Through the running app with GitHub's own example
 * payloads for both, the real sandbox and the scripted model: the review carries the work and
 * the comments' own events never start a second iteration, whichever arrives first.
 */
const ISSUE = 65;
const REPO_ID = 6565;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);

let app: TestApp;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "iterate:\n  reviews:\n    commented: true\n", instance: "iterate-comment-e2e" });
  ({ app, github } = harness);
});
afterAll(async () => {
  expect((await harness?.close()) ?? []).toEqual([]);
});

const row = () => harness!.row(ISSUE) as Promise<IterateRow>;
const outcome = (id: string) => waitFor(() => harness!.outcome(id), 30_000, `the outcome of ${id}`);
const iterations = async (storyId: string) =>
  (await app.pool.query(`SELECT review_id, state, comments FROM story_iterations WHERE story_id = $1 ORDER BY id`, [storyId])).rows as {
    review_id: number;
    state: string;
    comments: { id: number }[];
  }[];

/** GitHub's `pull_request_review_comment.created` example for a comment of review `reviewId` (null: a comment with no review). */
function commentEvent(s: IterateRow, reviewId: number | null, id: number, body: string): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { comment: Record<string, unknown>; pull_request: Record<string, unknown> }>(
    "pull_request_review_comment",
    "created",
  );
  const user = { ...(p.comment.user as object), login: "maintainer", type: "User" };
  const { in_reply_to_id: _reply, ...comment } = p.comment;
  p.comment = {
    ...comment,
    id,
    pull_request_review_id: reviewId,
    path: "src/calc.js",
    line: 2,
    original_line: 2,
    commit_id: s.head_sha,
    diff_hunk: "@@ -1,4 +1,4 @@\n /** Adds two numbers. */\n export function add(a, b) {",
    body,
    user,
  };
  Object.assign(p.pull_request, { number: s.pull_request, head: { ...(p.pull_request.head as object), ref: s.branch, sha: s.head_sha } });
  p.repository = storyRepository(REPO_ID);
  p.installation = { id: 9 };
  p.sender = user;
  return p;
}

function reviewEvent(s: IterateRow, reviewId: number, state: string, body: string): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { review: Record<string, unknown>; pull_request: Record<string, unknown> }>(
    "pull_request_review",
    "submitted",
  );
  const user = { ...(p.review.user as object), login: "maintainer", type: "User" };
  Object.assign(p.review, { id: reviewId, state, body, commit_id: s.head_sha, user });
  Object.assign(p.pull_request, { number: s.pull_request, head: { ...(p.pull_request.head as object), ref: s.branch, sha: s.head_sha } });
  p.repository = storyRepository(REPO_ID);
  p.installation = { id: 9 };
  p.sender = user;
  return p;
}

describe("a line comment and its review", () => {
  let first: IterateRow;

  it("label → PR waiting for approval", { timeout: WAIT + 30_000 }, async () => {
    first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
  });

  it("a single line comment (its comment event, then its one-comment review) → one iteration", { timeout: WAIT + 30_000 }, async () => {
    const reviewId = 4_300_001;
    const commentId = 990_001;
    const body = "These are not a and b in the issue: name them x and y, with a comment that says why this is a sum.";
    const comment = commentEvent(first, reviewId, commentId, body);
    github.fake.reviewComments.set(reviewId, [comment.comment as Record<string, unknown>]);
    const before = github.requests().length;
    await app.send("pull_request_review_comment", comment, "line-comment");
    expect(await outcome("line-comment")).toBe(
      `ignored: line comment ${commentId} belongs to review ${reviewId}, which pull_request_review.submitted carries`,
    );
    // Acknowledged without asking GitHub anything.
    expect(github.requests().length).toBe(before);

    await app.send("pull_request_review", reviewEvent(first, reviewId, "commented", ""), "its-review");
    expect(await outcome("its-review")).toMatch(/review 4300001 sent the story back to build with 1 line comment/);
    // GitHub redelivers the comment's event after all: still nothing.
    await app.send("pull_request_review_comment", comment, "line-comment-again");
    expect(await outcome("line-comment-again")).toMatch(/^ignored: line comment/);
    const after = await harness!.atRest(ISSUE, "the iteration's commit", WAIT, first.head_sha ?? "");
    expect(after.status, after.snapshot.context.lastFailure ?? "").toBe("active");
    const rows = await iterations(first.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ review_id: reviewId, comments: [{ id: commentId }] });
    first = after;
  });

  it("a line comment GitHub files under no review is answered as a one-comment review", { timeout: WAIT + 30_000 }, async () => {
    const commentId = 990_002;
    await app.send(
      "pull_request_review_comment",
      commentEvent(first, null, commentId, "Add a comment that says why this is a sum."),
      "lone",
    );
    expect(await outcome("lone")).toMatch(/review 990002 sent the story back to build with 1 line comment/);
    const rows = await iterations(first.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.comments).toEqual([expect.objectContaining({ id: commentId })]);
    // The scripted developer has nothing more to change, so the story holds on the same change: still one iteration.
    const after = await harness!.atRest(ISSUE, "the second iteration's end", WAIT, first.head_sha ?? "");
    expect(after.snapshot.context.lastFailure ?? "").toMatch(/same change/);
    expect(await iterations(first.id)).toHaveLength(2);
    expect((await row()).id).toBe(first.id);
  });
});
