import { z } from "zod";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { iterateOnReview } from "./handle-review.js";
import { eventUser, pullRequestEventEnvelope } from "./review-event.js";

const payload = pullRequestEventEnvelope.extend({
  action: z.literal("created"),
  comment: z.object({
    id: z.number(),
    pull_request_review_id: z.number().nullish(),
    path: z.string(),
    line: z.number().nullish(),
    original_line: z.number().nullish(),
    diff_hunk: z.string(),
    body: z.string(),
    commit_id: z.string().nullish(),
    in_reply_to_id: z.number().nullish(),
    user: eventUser.nullable(),
  }),
});

/**
 * `pull_request_review_comment.created`. GitHub files every line comment under a review: a
 * review's comments arrive as one `pull_request_review_comment` each plus the review's own
 * `pull_request_review.submitted`, and a lone "Add single comment" is a `commented` review of
 * one comment with its `submitted` too. So the review event carries the work (it has the body
 * and every comment at once) and a comment that names its review (`pull_request_review_id`) is
 * acknowledged without a request: a line comment never starts a second iteration. A comment
 * without a review (GitHub's schema allows it) is answered as a `commented` review of that one
 * comment, under the same rules (`iterate.reviews.commented`, the recycle role, the loop guards).
 * Edits and deletions never act, like edited comments never re-run commands.
 */
export const handleReviewCommentCreated: DeliveryHandler = async (delivery, context) => {
  const parsed = payload.safeParse(delivery.payload);
  if (!parsed.success) return "ignored: not a created review comment";
  const { comment, pull_request: pr, repository, installation, sender } = parsed.data;
  if (comment.pull_request_review_id)
    return `ignored: line comment ${comment.id} belongs to review ${comment.pull_request_review_id}, which pull_request_review.submitted carries`;
  const reviewer = comment.user ?? sender;
  return iterateOnReview(
    delivery,
    context,
    {
      reviewId: comment.id,
      state: "commented",
      body: "",
      commitId: comment.commit_id ?? null,
      reviewer,
      sender,
      pullNumber: pr.number,
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      repository: { id: repository.id, name: repository.name, owner: repository.owner },
      installationId: installation?.id ?? null,
    },
    async () => [
      {
        id: comment.id,
        path: comment.path,
        line: comment.line ?? comment.original_line ?? null,
        diffHunk: comment.diff_hunk,
        body: comment.body,
        inReplyTo: comment.in_reply_to_id ?? null,
      },
    ],
  );
};
