import type { StoryRow } from "../store/stories.js";

/** GitHub's web origin: GitHub Enterprise Server's under `GHE_HOST` (Probot's variable), else github.com. */
export function webOrigin(env: NodeJS.ProcessEnv = process.env): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}` : "https://github.com";
}

/** Where a person acts on a story: its status comment when known, else the issue. */
export function statusUrl(
  story: Pick<StoryRow, "owner" | "repo" | "issueNumber" | "statusCommentId">,
  origin: string = webOrigin(),
): string {
  const issue = `${origin}/${story.owner}/${story.repo}/issues/${story.issueNumber}`;
  return story.statusCommentId ? `${issue}#issuecomment-${story.statusCommentId}` : issue;
}
