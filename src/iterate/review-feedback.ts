import { quoteUntrusted } from "../agents/untrusted.js";
import type { ReviewLineComment } from "../github/review-comments.js";

/** A diff hunk is cut to its last lines: the commented line is the hunk's last, the rest is context. */
const HUNK_LINES = 12;
const BODY_CHARS = 4000;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… (cut at ${max} characters)` : text;
}

function lastLines(text: string, n: number): string {
  const lines = text.split("\n");
  return lines.length > n ? lines.slice(-n).join("\n") : text;
}

/**
 * A review as the developer agent's feedback: who asked, the review's body and every line
 * comment with its file, line and diff hunk. Each text a person wrote is quoted as
 * untrusted data (the whole feedback is quoted again by the developer's prompt).
 */
export function renderReviewFeedback(review: {
  reviewer: string;
  state: string;
  commitId: string | null;
  body: string;
  comments: readonly ReviewLineComment[];
}): string {
  const on = review.commitId ? ` on ${review.commitId.slice(0, 7)}` : "";
  const parts = [`Review by @${review.reviewer} (${review.state.replace("_", " ")})${on}. Address every point below.`];
  if (review.body.trim()) parts.push(`The review:\n${quoteUntrusted("untrusted_review", clip(review.body.trim(), BODY_CHARS))}`);
  review.comments.forEach((comment, i) => {
    const where = comment.line === null ? comment.path : `${comment.path} line ${comment.line}`;
    parts.push(
      [
        `Line comment ${i + 1} of ${review.comments.length}, on ${where}:`,
        quoteUntrusted("untrusted_diff", lastLines(comment.diffHunk, HUNK_LINES)),
        quoteUntrusted("untrusted_review_comment", clip(comment.body.trim(), BODY_CHARS)),
      ].join("\n"),
    );
  });
  return parts.join("\n\n");
}

/** Several pieces of feedback that arrived while one iteration ran, as the one feedback of the next. */
export function mergeFeedback(feedback: readonly string[]): string {
  if (feedback.length === 1) return feedback[0] ?? "";
  return feedback.map((text, i) => `Feedback ${i + 1} of ${feedback.length}:\n${text}`).join("\n\n");
}

/** The thread reply naming the commit that addressed a line comment. */
export function threadReplyBody(commitSha: string): string {
  return `Addressed in ${commitSha} (WAVE's next commit on this branch); the checks run on it.`;
}
