import type { Pool } from "../store/db.js";
import { findLatestStory, findLiveStory, loadStory, type StoryRow } from "../store/stories.js";
import type { CommandEvent } from "./command-event.js";

type Actionable = Extract<CommandEvent, { kind: "text" | "button" }>;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The story an event's commands are about. On an issue: its live story, else
 * its newest one (so a command on a finished story is told why nothing
 * happened). On a pull request: the story that opened it. On a button: the
 * story id WAVE put in the check run's `external_id`, only when that story
 * belongs to the same repository, so another app's run cannot name ours.
 */
export async function findCommandStory(pool: Pool, event: Actionable): Promise<StoryRow | null> {
  const repoId = event.repository.id;
  if (event.kind === "button") {
    if (!event.storyId || !uuid.test(event.storyId)) return null;
    const story = await loadStory(pool, event.storyId);
    return story && story.repoId === repoId ? story : null;
  }
  if (event.isPullRequest) {
    return findLatestStory(pool, repoId, { pullRequest: event.number });
  }
  return (await findLiveStory(pool, repoId, event.number)) ?? (await findLatestStory(pool, repoId, { issueNumber: event.number }));
}
