import { WAVE_CHECK_NAMES } from "../checks/wave-check-names.js";
import { readCheckRunEvent } from "../github/read-webhook.js";
import { syncChecks } from "../publish/sync-checks.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { findPullRequestStory } from "./find-pr-story.js";
import { repositoryId } from "./repository-id.js";

/**
 * `check_run.rerequested` (someone pressed **Re-run**) on one of WAVE's runs:
 * evaluates the story again from its stored state and writes a fresh run of
 * that name on the story's head, with the other runs brought up to date.
 */
export const handleCheckRunRerequested: DeliveryHandler = async (delivery, { deps, github }) => {
  const event = readCheckRunEvent(delivery.payload);
  if (!event || event.kind !== "rerequested" || !WAVE_CHECK_NAMES.has(event.name)) return "ignored: not a WAVE check run";
  const story = await findPullRequestStory(deps.pool, { repoId: repositoryId(delivery.payload), storyId: event.storyId });
  if (!story || story.pullRequest === null) return `ignored: no story with a PR for ${event.name}`;
  const octokit = await github.forInstallation(story.installationId);
  const result = await syncChecks(octokit, deps.pool, story, { fresh: new Set([event.name]) });
  return `story ${story.id}: ${event.name} re-run; wrote ${result.written.join(", ") || "nothing"}`;
};
