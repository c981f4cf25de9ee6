import { createHash } from "node:crypto";
import { callGitHub } from "./call-github.js";
import { createOnce } from "./create-once.js";
import type { GitHubClient } from "./client.js";
import { GitHubNotFound } from "./errors.js";
import { storyMarker } from "./story-marker.js";
import { findCommentByMarker } from "./find-comment.js";
import type { Pool } from "../store/db.js";
import { claimFirstCreate } from "../store/create-claims.js";
import { updateStoryFacts, type StoryRow } from "../store/stories.js";
import { gateView } from "../story/gate-view.js";
import { readSnapshot } from "../story/snapshot.js";
import { iterationInFlight } from "../effects/iteration-in-flight.js";
import { mirrorLabel, mirrorLabels, renderStatusComment, type StatusCommentInput } from "../effects/render-status-comment.js";

export type StatusExtras = Pick<StatusCommentInput, "plan" | "budget" | "safety" | "pullRequestUrl" | "emergencyStop" | "problems">;

/**
 * Brings the issue in line with the story: the one status comment (found by
 * stored id, else by its hidden marker on the app's own comments, else created;
 * skipped when unchanged)
 * and the status label mirror. Idempotent: safe to run any number of times.
 */
export async function syncIssue(octokit: GitHubClient, pool: Pool, story: StoryRow, extras: StatusExtras = {}): Promise<void> {
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const view = gateView(snapshot);
  const iterating = iterationInFlight(snapshot);
  const body = renderStatusComment({
    storyId: story.id,
    title: story.story.title,
    issueNumber: story.issueNumber,
    view,
    lastFailure: snapshot.context.lastFailure,
    ...extras,
    ...(iterating ? { iterating: { pullRequest: iterating.pullRequest } } : {}),
  });
  // During an iteration on the PR the comment is written once per attempt (it says so), not on every gate it
  // passes: the digest is the attempt's, plus any refused write, which must show at once. Its end, a hold or
  // anything else renders a body whose digest differs, so the comment is written then as usual.
  const digest = createHash("sha256")
    .update(iterating ? JSON.stringify({ iterating, problems: extras.problems ?? [] }) : body)
    .digest("hex");
  const repo = { owner: story.owner, repo: story.repo };

  if (digest !== story.statusCommentDigest || story.statusCommentId === null) {
    let commentId = story.statusCommentId;
    if (commentId !== null) {
      try {
        await callGitHub(() =>
          octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: commentId as number, body }),
        );
      } catch (error) {
        // Someone deleted the status comment: make a new one rather than fail forever.
        if (!(error instanceof GitHubNotFound)) throw error;
        commentId = null;
      }
    }
    if (commentId === null) {
      // The story's very first status comment is posted without a look-up (nothing can be there yet);
      // any later attempt without an id, after a crash or beside another delivery, looks for its own first.
      const first = await claimFirstCreate(pool, story.id, "status-comment");
      commentId = first ? null : await findCommentByMarker(octokit, { ...repo, issueNumber: story.issueNumber }, storyMarker(story.id));
      if (commentId !== null) {
        const id = commentId;
        await callGitHub(() =>
          octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...repo, comment_id: id, body }),
        );
      } else {
        commentId = await createOnce(
          async () =>
            Number(
              (
                await callGitHub(() =>
                  octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
                    ...repo,
                    issue_number: story.issueNumber,
                    body,
                  }),
                )
              ).data.id,
            ),
          async () => (await findCommentByMarker(octokit, { ...repo, issueNumber: story.issueNumber }, storyMarker(story.id))) ?? undefined,
        );
      }
    }
    await updateStoryFacts(pool, story.id, { statusCommentId: commentId, statusCommentDigest: digest });
  }

  const wanted = mirrorLabel(view.standing);
  if (wanted !== story.mirroredLabel) {
    for (const label of mirrorLabels) {
      if (label === wanted || label !== story.mirroredLabel) continue;
      try {
        await callGitHub(() =>
          octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
            ...repo,
            issue_number: story.issueNumber,
            name: label,
          }),
        );
      } catch (error) {
        if (!(error instanceof GitHubNotFound)) throw error;
      }
    }
    if (wanted) {
      await callGitHub(() =>
        octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
          ...repo,
          issue_number: story.issueNumber,
          labels: [wanted],
        }),
      );
    }
    await updateStoryFacts(pool, story.id, { mirroredLabel: wanted });
  }
}
