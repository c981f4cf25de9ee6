import { ProbotOctokit } from "probot";

/**
 * The app's Octokit: Probot's, with its retry plugin off and its throttling plugin pacing
 * requests but never retrying them. `callGitHub` is the one place GitHub's answers are retried
 * (it knows which writes must not be repeated blindly); stacked retry layers multiplied every
 * failure into a dozen requests.
 */
export const WaveOctokit = ProbotOctokit.defaults((instance: Record<string, unknown>) => ({
  ...instance,
  retry: { enabled: false },
  throttle: { ...(instance.throttle as object | undefined), enabled: true, onRateLimit: () => false, onSecondaryRateLimit: () => false },
}));
