import type { RetryPolicy } from "../../github/call-github.js";

/**
 * Lookups answer a person waiting for a reaction: wait out a short rate
 * limit once, and otherwise fail fast with `GitHubRateLimited` so the caller
 * can retry the event later.
 */
export const lookupPolicy: Partial<RetryPolicy> = { maxAttempts: 2, maxWaitSeconds: 5 };
