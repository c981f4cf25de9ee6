import { setTimeout as delay } from "node:timers/promises";
import { GitHubAmbiguousWrite, GitHubRateLimited } from "./errors.js";
import { asRequestError, header, routeOf, toWaveError } from "./to-wave-error.js";
import type { RequestErrorLike } from "./to-wave-error.js";

/** How long and how often one GitHub call waits out a rate limit before giving up. */
export interface RetryPolicy {
  /** Calls in all, the first included. */
  maxAttempts: number;
  /** The longest single wait; a longer `retry-after` ends in `GitHubRateLimited` so the job is rescheduled instead. */
  maxWaitSeconds: number;
  sleep: (ms: number) => Promise<void>;
  /** Milliseconds since the epoch; for `x-ratelimit-reset`. */
  now: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxWaitSeconds: 60,
  sleep: (ms) => delay(ms),
  now: () => Date.now(),
};

/** GitHub asks for at least a minute after a secondary rate limit that names no time. */
const SECONDARY_DEFAULT_WAIT_SECONDS = 60;

/** Seconds GitHub wants us to wait, or undefined when the error is not a rate limit. */
export function rateLimitWait(error: RequestErrorLike, now: number): number | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  const retryAfter = header(error, "retry-after");
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim())) return Number(retryAfter.trim());
  if (header(error, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(error, "x-ratelimit-reset"));
    if (Number.isFinite(reset)) return Math.max(1, Math.ceil(reset - now / 1000));
  }
  const message = JSON.stringify(error.response?.data ?? error.message);
  if (error.status === 429 || /secondary rate limit|abuse/i.test(message)) return SECONDARY_DEFAULT_WAIT_SECONDS;
  return undefined;
}

/**
 * Requests that create something new each time they are sent. After an ambiguous answer
 * (5xx, reset, timeout: GitHub may have saved it) they are not repeated blindly: the caller
 * looks for what it may have created first (`createOnce`). Every other request WAVE makes is
 * a read, an update by id, or content-addressed (blobs, trees), and is safe to send again.
 */
const CREATING =
  /^POST \/repos\/[^/]+\/[^/]+\/(issues\/\d+\/comments|check-runs|pulls|pulls\/\d+\/reviews|pulls\/\d+\/comments\/\d+\/replies|git\/refs)$/;

/** Seconds before the next try of a call GitHub failed on its side (5xx): 1, 2, 4, 8… */
function serverErrorWait(attempt: number): number {
  return Math.min(30, 2 ** (attempt - 1));
}

/**
 * Runs one GitHub call; the one place a GitHub answer is classified and retried. Transient
 * answers (secondary rate limit 403/429 with or without `retry-after`, an exhausted primary
 * limit, 5xx) are retried with backoff honouring GitHub's wait, within the policy's bounds. A
 * creating request (`CREATING`) answered ambiguously throws `GitHubAmbiguousWrite` instead of
 * repeating itself. Everything else is permanent and turned into a named error (`toWaveError`).
 * Probot's own retry and throttling retries are off (see `octokit-options.ts`), and the job
 * queue retries a job only for what this gave up on.
 */
export async function callGitHub<T>(call: () => Promise<T>, policy: Partial<RetryPolicy> = {}): Promise<T> {
  const p: RetryPolicy = { ...defaultRetryPolicy, ...policy };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const requestError = asRequestError(error);
      if (requestError === undefined) throw toWaveError(error);
      const route = routeOf(requestError);
      if (requestError.status >= 500) {
        const fields = {
          status: requestError.status,
          route,
          requestId: header(requestError, "x-github-request-id"),
          githubMessage: requestError.message,
        };
        if (CREATING.test(route)) throw new GitHubAmbiguousWrite(fields, { cause: error });
        if (attempt >= p.maxAttempts) throw toWaveError(error);
        await p.sleep(serverErrorWait(attempt) * 1000);
        continue;
      }
      const wait = rateLimitWait(requestError, p.now());
      if (wait === undefined) throw toWaveError(error);
      if (wait > p.maxWaitSeconds || attempt >= p.maxAttempts) {
        throw new GitHubRateLimited(
          wait,
          {
            status: requestError.status,
            route,
            requestId: header(requestError, "x-github-request-id"),
            githubMessage: requestError.message,
          },
          { cause: error },
        );
      }
      await p.sleep(wait * 1000);
    }
  }
}
