import type { Tx } from "../store/db.js";
import type { StoryRow } from "../store/stories.js";
import type { StoryEvent } from "../story/events.js";
import { holdReason } from "../story/gate-view.js";
import type { StoredSnapshot } from "../story/snapshot.js";
import { notificationFor } from "./notification-for.js";
import { addNotification } from "./store-notifications.js";

/** In the transition's transaction: the Slack notification this change is worth, keyed by the story's new version. */
export async function queueStoryNotification(
  tx: Tx,
  story: StoryRow,
  event: StoryEvent,
  from: string,
  to: string,
  next: StoredSnapshot,
): Promise<void> {
  const config = story.config.notify;
  if (!config || config.slack.routes.length === 0) return;
  const n = notificationFor({
    event,
    from,
    to,
    reason: to === "killed" ? (next.context.killed?.reason ?? null) : (holdReason(next.context) ?? null),
    repository: `${story.owner}/${story.repo}`,
    issueNumber: story.issueNumber,
    title: story.story.title,
    url: story.story.url,
  });
  if (n)
    await addNotification(tx, n, {
      key: `story:${story.id}:${story.version + 1}`,
      storyId: story.id,
      owner: story.owner,
      repo: story.repo,
      config,
    });
}
