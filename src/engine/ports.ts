import type { GitHubClient } from "../github/client.js";
import type { StoryRow } from "../store/stories.js";
import type { StatusExtras } from "../github/ensure-status-comment.js";

/** Installation-authenticated GitHub clients (Probot's `app.auth(installationId)` in production). */
export interface GitHubAuth {
  forInstallation(installationId: number): Promise<GitHubClient>;
}

/** Stops what the sandbox layer runs for a story. */
export interface SandboxControl {
  stopStory(storyId: string): Promise<void>;
}

/** Facts other layers add to the status comment (plan, budget, safety, PR link). */
export interface StatusFacts {
  extras(story: StoryRow): Promise<StatusExtras>;
}
