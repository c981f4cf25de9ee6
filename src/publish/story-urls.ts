import type { StoryRow } from "../store/stories.js";

/** Where a person acts on a story: its status comment when known, else the issue. */
export function statusUrl(story: Pick<StoryRow, "owner" | "repo" | "issueNumber" | "statusCommentId">): string {
  const issue = `https://github.com/${story.owner}/${story.repo}/issues/${story.issueNumber}`;
  return story.statusCommentId ? `${issue}#issuecomment-${story.statusCommentId}` : issue;
}
