import { GitHubAmbiguousWrite, GitHubError, GitHubRateLimited } from "./errors.js";

/**
 * True when GitHub refused for good: 401/403 that is not a rate limit, 404, 410, 422 (a locked
 * issue, a label or reaction the app may not add, a deleted comment). Sending it again gives
 * the same answer, so the effect is dead-lettered and shown instead of retried in front of the
 * others. Rate limits, 5xx and ambiguous answers are transient; so is anything not GitHub's
 * (Docker down, the database away).
 */
export function isPermanentRefusal(error: unknown): error is GitHubError {
  if (!(error instanceof GitHubError) || error instanceof GitHubRateLimited || error instanceof GitHubAmbiguousWrite) return false;
  return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
}

/** One line for the user: what WAVE could not do, and GitHub's answer in its own words. */
export function describeRefusal(what: string, error: GitHubError): string {
  return `could not ${what}: ${error.status} ${error.githubMessage} (${error.route})`;
}
