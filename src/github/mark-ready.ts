import { callGitHub } from "./call-github.js";
import type { RepoContext } from "./client.js";
import type { PullRequestRef } from "./ensure-pull-request.js";

/**
 * Takes a draft PR out of draft once the review gate is satisfied. REST cannot do
 * this, so it is GraphQL's `markPullRequestReadyForReview`; a PR already ready is
 * left alone without a request.
 */
export async function markReadyForReview(ctx: RepoContext, pullRequest: PullRequestRef): Promise<{ changed: boolean; requests: number }> {
  if (!pullRequest.draft) return { changed: false, requests: 0 };
  await callGitHub(
    () =>
      ctx.octokit.graphql(
        `mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { pullRequest { isDraft } } }`,
        { id: pullRequest.nodeId },
      ),
    ctx.retry,
  );
  return { changed: true, requests: 1 };
}
