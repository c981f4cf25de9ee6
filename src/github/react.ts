import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";

/** 👀 received, 👍 done, 😕 refused or not done. */
export type Reaction = "eyes" | "+1" | "confused";

/**
 * Reacts to an issue or pull request comment. GitHub answers an existing
 * reaction with 200 and the same reaction, so a retried job adds nothing.
 * Review bodies have no reaction endpoint; they are answered with a reply.
 */
export async function reactToComment(
  octokit: GitHubClient,
  where: { owner: string; repo: string; commentId: number },
  content: Reaction,
): Promise<void> {
  await callGitHub(() =>
    octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      owner: where.owner,
      repo: where.repo,
      comment_id: where.commentId,
      content,
    }),
  );
}
