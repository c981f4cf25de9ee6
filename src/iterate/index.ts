import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { handleCheckRunCompleted } from "./handle-check-run.js";
import { handleCheckSuiteCompleted } from "./handle-check-suite.js";
import { handleReviewSubmitted } from "./handle-review.js";
import { handleReviewCommentCreated } from "./handle-review-comment.js";

/**
 * The handlers for events that send a story back to work on its open PR, to register in
 * `RouterPorts.handlers` after the commands' (a review replaces the commands' handler and
 * hands reviews that carry `/wave` commands back to it).
 */
export function iterateHandlers(): Record<string, DeliveryHandler> {
  return {
    "pull_request_review.submitted": handleReviewSubmitted,
    "pull_request_review_comment.created": handleReviewCommentCreated,
    "check_suite.completed": handleCheckSuiteCompleted,
    "check_run.completed": handleCheckRunCompleted,
  };
}
