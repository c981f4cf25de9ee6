import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";
import { isOwnComment } from "./own-comment.js";

/**
 * The id of WAVE's own issue comment holding `marker` (a hidden HTML comment WAVE
 * wrote), or null. Only comments the app itself authored count: anyone can paste the
 * marker into a comment of their own, and that one must never be edited or trusted. Pages through the comments, newer than `since` when given:
 * find-before-create, so a retried effect edits instead of posting twice.
 */
export async function findCommentByMarker(
  octokit: GitHubClient,
  where: { owner: string; repo: string; issueNumber: number },
  marker: string,
  options: { since?: string; maxPages?: number } = {},
): Promise<number | null> {
  for (let page = 1; page <= (options.maxPages ?? 30); page++) {
    const res = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
        owner: where.owner,
        repo: where.repo,
        issue_number: where.issueNumber,
        per_page: 100,
        page,
        ...(options.since ? { since: options.since } : {}),
      }),
    );
    const found = res.data.find((c) => c.body?.includes(marker) && isOwnComment(c));
    if (found) return Number(found.id);
    if (res.data.length < 100) return null;
  }
  return null;
}
