import { WaveError } from "../errors.js";

interface GitHubErrorFields {
  status: number;
  /** "POST /repos/{owner}/{repo}/git/refs" or "graphql". */
  route: string;
  /** GitHub's `x-github-request-id`, for a support ticket. */
  requestId: string | undefined;
  /** GitHub's own message, verbatim. */
  githubMessage: string;
}

/** A GitHub API call failed in a way none of the narrower errors describes. */
export class GitHubError extends WaveError {
  readonly status: number;
  readonly route: string;
  readonly requestId: string | undefined;
  readonly githubMessage: string;
  constructor(message: string, fields: GitHubErrorFields, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options);
    this.status = fields.status;
    this.route = fields.route;
    this.requestId = fields.requestId;
    this.githubMessage = fields.githubMessage;
  }
}

/** The app's installation lacks a permission the call needs (403). */
export class GitHubPermissionMissing extends GitHubError {
  /** The app permission to grant, e.g. "Checks: read and write". */
  readonly permission: string;
  constructor(permission: string, fields: GitHubErrorFields, options: { cause?: unknown } = {}) {
    super(`The WAVE app cannot ${fields.route}: its installation lacks the "${permission}" permission.`, fields, {
      ...options,
      hint: `An organisation owner grants "${permission}" in the app's settings (Permissions & events), then accepts the new permissions on the installation.`,
    });
    this.permission = permission;
  }
}

/** The repository, branch, pull request or check run is not there, or the installation cannot see it (404). */
export class GitHubNotFound extends GitHubError {}

/** GitHub refused the request's content (422); `errors` carries GitHub's per-field reasons. */
export class GitHubValidationFailed extends GitHubError {
  readonly errors: string[];
  constructor(message: string, fields: GitHubErrorFields & { errors: string[] }, options: { hint?: string; cause?: unknown } = {}) {
    super(message, fields, options);
    this.errors = fields.errors;
  }
}

/** A rate limit asks for a longer wait than a job should sleep; retry the job after `retryAfterSeconds`. */
export class GitHubRateLimited extends GitHubError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, fields: GitHubErrorFields, options: { cause?: unknown } = {}) {
    super(`GitHub rate-limited ${fields.route} for ${retryAfterSeconds} s.`, fields, {
      ...options,
      hint: `WAVE retries on its own after ${retryAfterSeconds} s; many stories at once on one installation make this more likely.`,
    });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * A creating write (a comment, check run, PR, review, ref) got an answer that does not say
 * whether GitHub saved it (5xx after the save, a reset, a timeout). Not repeated blindly: look
 * for what it may have created (by marker, name or stored id) before writing again.
 */
export class GitHubAmbiguousWrite extends GitHubError {
  constructor(fields: GitHubErrorFields, options: { cause?: unknown } = {}) {
    super(`GitHub answered ${fields.status} to ${fields.route}; it may have saved the write anyway.`, fields, {
      ...options,
      hint: "WAVE looks for what it may have created before it writes again.",
    });
  }
}
