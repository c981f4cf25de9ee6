import type { Pool } from "../store/db.js";
import { findLatestStory, loadStory, type StoryRow } from "../store/stories.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The story a PR event is about: by the story id in the PR body's marker (or a
 * check run's external id), else by the PR number WAVE stored. The story must be
 * of this repository and, when `pullRequest` is given, own that PR: a marker
 * copied into another PR finds nothing.
 */
export async function findPullRequestStory(
  pool: Pool,
  where: { repoId: number; storyId: string | null; pullRequest?: number },
): Promise<StoryRow | null> {
  let story: StoryRow | null = null;
  if (where.storyId && UUID.test(where.storyId)) story = await loadStory(pool, where.storyId);
  if (!story && where.pullRequest !== undefined) story = await findLatestStory(pool, where.repoId, { pullRequest: where.pullRequest });
  if (!story || story.repoId !== where.repoId) return null;
  if (where.pullRequest !== undefined && story.pullRequest !== where.pullRequest) return null;
  return story;
}
