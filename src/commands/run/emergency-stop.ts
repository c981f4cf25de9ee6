import { addStoryEffects, applyEvent } from "../../engine/apply-event.js";
import type { EngineDeps } from "../../engine/deps.js";
import { setOrgStop } from "../../store/org-controls.js";
import { listLiveStoriesOfOwner } from "../../store/stories.js";
import { emergencyNotification } from "../../notify/notification-for.js";
import { notifyOrganisation } from "../../notify/notify-organisation.js";

export interface EmergencyOutcome {
  /** Live stories the stop or the resume was sent to. */
  stories: number;
  /** Of those, how many resumed work (resume) or newly held (stop). */
  changed: number;
  repositories: number;
}

/**
 * `/wave stop-all`: the organisation's stop is recorded first, so stories
 * started from now on begin held and every status comment re-rendered from
 * now on carries the banner; then every live story of the owner holds, and
 * every sandbox of those stories is stopped (a story that was held already
 * gets the stop too, in case work of it is still running). A second sweep
 * catches a story that intake created while the first one ran.
 */
export async function emergencyStop(
  deps: EngineDeps,
  owner: string,
  by: string,
  reason: string | null,
  deliveryId: string,
): Promise<EmergencyOutcome> {
  await setOrgStop(deps.pool, owner, { by, reason });
  const seen = new Set<string>();
  const repositories = new Set<string>();
  let changed = 0;
  for (let sweep = 0; sweep < 2; sweep++) {
    for (const story of await listLiveStoriesOfOwner(deps.pool, owner)) {
      if (seen.has(story.id)) continue;
      seen.add(story.id);
      repositories.add(story.repo.toLowerCase());
      const result = await applyEvent(
        deps,
        story.id,
        { type: "EMERGENCY_STOP", by },
        { deliveryId, command: "stop-all", ...(reason ? { reason } : {}) },
      );
      if (result.applied && result.story.status === "held" && story.status !== "held") changed++;
      if (story.status === "held" || !result.applied)
        await addStoryEffects(deps, story.id, [{ kind: "stop-sandbox" }, { kind: "sync-issue" }]);
    }
  }
  await notifyOrganisation(deps.pool, emergencyNotification("stop", owner, by, reason, seen.size), owner, deliveryId);
  return { stories: seen.size, changed, repositories: repositories.size };
}

/**
 * `/wave resume-all`: the stop is lifted first (so new stories start
 * normally and banners go), then every live story of the owner gets
 * EMERGENCY_RESUME: those held only by the stop resume where they were,
 * others keep their other holds. Every status comment is re-rendered.
 */
export async function emergencyResume(deps: EngineDeps, owner: string, by: string, deliveryId: string): Promise<EmergencyOutcome> {
  await setOrgStop(deps.pool, owner, null);
  const repositories = new Set<string>();
  let changed = 0;
  const stories = await listLiveStoriesOfOwner(deps.pool, owner);
  for (const story of stories) {
    repositories.add(story.repo.toLowerCase());
    const result = await applyEvent(deps, story.id, { type: "EMERGENCY_RESUME", by }, { deliveryId, command: "resume-all" });
    if (result.applied && result.story.status === "active") changed++;
    // Not applied means it had no emergency hold; its comment may still show the banner.
    if (!result.applied) await addStoryEffects(deps, story.id, [{ kind: "sync-issue" }]);
  }
  await notifyOrganisation(deps.pool, emergencyNotification("resume", owner, by, null, stories.length), owner, deliveryId);
  return { stories: stories.length, changed, repositories: repositories.size };
}
