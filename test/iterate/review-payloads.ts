import { storyRepository } from "../e2e/story-github.js";
import { githubExample } from "../support/webhook-examples.js";

let nextId = 880_000;
/** A review line comment shaped like GitHub's own `pull_request_review_comment` example, on `path` at `line`. */
export function lineComment(reviewId: number, head: string, path: string, line: number, body: string): Record<string, unknown> {
  const c = githubExample<{ comment: Record<string, unknown> }>("pull_request_review_comment", "created").comment;
  const hunk = "@@ -1,4 +1,4 @@\n /** Adds two numbers. */\n export function add(a, b) {\n-  return a - b;\n+  return a + b;";
  const { in_reply_to_id: _reply, ...rest } = c;
  return {
    ...rest,
    id: nextId++,
    pull_request_review_id: reviewId,
    path,
    line,
    original_line: line,
    commit_id: head,
    diff_hunk: hunk,
    body,
  };
}

/** GitHub's `pull_request_review.submitted` example on PR `number` at `head` of the story repository `repoId`, by `login`. */
export function reviewPayload(
  repoId: number,
  number: number,
  head: string,
  branch: string,
  review: { id: number; state: string; body: string; login: string; type?: string },
): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { review: Record<string, unknown>; pull_request: Record<string, unknown> }>(
    "pull_request_review",
    "submitted",
  );
  const user = { ...(p.review.user as object), login: review.login, type: review.type ?? "User" };
  Object.assign(p.review, { id: review.id, state: review.state, body: review.body, commit_id: head, user });
  Object.assign(p.pull_request, { number, head: { ...(p.pull_request.head as object), ref: branch, sha: head } });
  p.repository = storyRepository(repoId);
  p.installation = { id: 9 };
  p.sender = user;
  return p;
}
