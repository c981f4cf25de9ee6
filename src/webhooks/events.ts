/**
 * The webhook events WAVE subscribes to (see app.yml). Each is recorded on
 * arrival and processed from the database afterwards.
 */
export const subscribedEvents = [
  "issues",
  "issue_comment",
  "pull_request",
  "pull_request_review",
  // Line comments: each belongs to a review whose pull_request_review event carries the work (src/iterate/handle-review-comment.ts).
  "pull_request_review_comment",
  "check_run",
  // The repository's own CI finishing on WAVE's PR head (src/iterate/handle-check-suite.ts).
  "check_suite",
  "installation",
  "installation_repositories",
  // A change to .github/wave.yml is checked where it was pushed (wave/config).
  "push",
  // New repositories of an all-repositories installation are onboarded.
  "repository",
] as const;
