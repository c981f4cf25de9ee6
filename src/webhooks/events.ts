/**
 * The webhook events WAVE subscribes to (see app.yml). Each is recorded on
 * arrival and processed from the database afterwards.
 */
export const subscribedEvents = [
  "issues",
  "issue_comment",
  "pull_request",
  "pull_request_review",
  "check_run",
  "installation",
  "installation_repositories",
] as const;
