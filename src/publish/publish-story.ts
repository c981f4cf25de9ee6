import type { RepoContext } from "../github/client.js";
import type { EnsurePullRequestResult } from "../github/ensure-pull-request.js";
import { ensurePullRequest } from "../github/ensure-pull-request.js";
import type { PublishChangeInput, PublishChangeResult } from "../github/publish-commit.js";
import { publishChange } from "../github/publish-commit.js";

export interface PublishStoryInput extends PublishChangeInput {
  title: string;
  body: string;
  draft: boolean;
  /** The story opened its PR before (a stored number): look for it first instead of creating first. */
  opened?: boolean;
  /** That PR's stored number: its title and body are written by number, without the look-up (`ensurePullRequest`). */
  pullNumber?: number;
}

export interface PublishStoryResult {
  change: PublishChangeResult;
  pullRequest: EnsurePullRequestResult;
  /** GitHub requests made, rate-limit retries not counted. */
  requests: number;
}

/**
 * The publish effect: the change as a commit on the story's branch, then the story's
 * one PR. Safe to run again after a crash at any point: the second run finds the
 * commit and the PR instead of making new ones.
 */
export async function publishStory(ctx: RepoContext, input: PublishStoryInput): Promise<PublishStoryResult> {
  // Nothing published and no PR yet: create the branch first, look only if it exists.
  const change = await publishChange(ctx, { ...input, firstPublish: !input.opened && !input.onTopOf });
  const pullRequest = await ensurePullRequest(ctx, {
    branch: input.branch,
    baseBranch: input.baseBranch,
    title: input.title,
    body: input.body,
    draft: input.draft,
    ...(input.opened ? { opened: true } : {}),
    ...(input.pullNumber !== undefined ? { pullNumber: input.pullNumber } : {}),
  });
  return { change, pullRequest, requests: change.requests + pullRequest.requests };
}
