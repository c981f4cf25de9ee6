import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";

/** One line comment of a review: where it points and what it says. */
export interface ReviewLineComment {
  id: number;
  path: string;
  /** The line in the PR's diff it is anchored to; null for an outdated or file-level comment. */
  line: number | null;
  diffHunk: string;
  body: string;
  /** Set when the comment is itself a reply in a thread. */
  inReplyTo: number | null;
}

/** More line comments than this in one review are not all read: the feedback says how many were left out. */
export const MAX_REVIEW_COMMENTS = 100;

/**
 * Every line comment of one review, oldest first (`GET …/reviews/{review_id}/comments`; one
 * request for up to 100 comments). A read: callGitHub retries it, nothing to make idempotent.
 */
export async function listReviewComments(
  octokit: GitHubClient,
  where: { owner: string; repo: string; pullNumber: number; reviewId: number },
): Promise<ReviewLineComment[]> {
  const res = await callGitHub(() =>
    octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/comments", {
      owner: where.owner,
      repo: where.repo,
      pull_number: where.pullNumber,
      review_id: where.reviewId,
      per_page: MAX_REVIEW_COMMENTS,
    }),
  );
  return res.data.map((c) => ({
    id: Number(c.id),
    path: c.path,
    line: c.line ?? c.original_line ?? null,
    diffHunk: c.diff_hunk,
    body: c.body,
    inReplyTo: c.in_reply_to_id ?? null,
  }));
}
