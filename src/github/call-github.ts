import { setTimeout as delay } from "node:timers/promises";
import { GitHubRateLimited } from "./errors.js";
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
  maxAttempts: 3,
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
 * Runs one GitHub call: waits out rate limits within the policy's bounds, and turns
 * every failure into a named error (see `toWaveError`). Every write in WAVE goes
 * through here.
 */
export async function callGitHub<T>(call: () => Promise<T>, policy: Partial<RetryPolicy> = {}): Promise<T> {
  const p: RetryPolicy = { ...defaultRetryPolicy, ...policy };
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const requestError = asRequestError(error);
      const wait = requestError ? rateLimitWait(requestError, p.now()) : undefined;
      if (requestError === undefined || wait === undefined) throw toWaveError(error);
      if (wait > p.maxWaitSeconds || attempt >= p.maxAttempts) {
        throw new GitHubRateLimited(
          wait,
          { status: requestError.status, route: routeOf(requestError), requestId: header(requestError, "x-github-request-id"), githubMessage: requestError.message },
          { cause: error },
        );
      }
      await p.sleep(wait * 1000);
    }
  }
}
