import { applyEvent } from "../engine/apply-event.js";
import { readPullRequestEvent } from "../github/read-webhook.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { findPullRequestStory } from "./find-pr-story.js";
import { repositoryId } from "./repository-id.js";

/**
 * `pull_request.closed` on a WAVE branch: merged → PR_MERGED (the story is done,
 * its status comment and labels say so); closed without merging → PR_CLOSED
 * (the story is killed, its sandboxes stopped).
 */
export const handlePullRequestClosed: DeliveryHandler = async (delivery, { deps }) => {
  const event = readPullRequestEvent(delivery.payload);
  if (!event) return "ignored: not a WAVE pull request";
  const story = await findPullRequestStory(deps.pool, {
    repoId: repositoryId(delivery.payload),
    storyId: event.storyId,
    pullRequest: event.pullNumber,
  });
  if (!story) return `ignored: no story owns PR #${event.pullNumber}`;
  const type = event.kind === "merged" ? "PR_MERGED" : "PR_CLOSED";
  const result = await applyEvent(
    deps,
    story.id,
    { type, by: event.senderLogin },
    { deliveryId: delivery.id, pullRequest: event.pullNumber },
  );
  return result.applied
    ? `story ${story.id}: ${type} (${result.from} → ${result.to})`
    : `story ${story.id}: ${type} ignored at ${result.from}`;
};
