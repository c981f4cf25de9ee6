import { z } from "zod";
import { earlierAttempt } from "../commands/command-audit.js";
import { applyEvent } from "../engine/apply-event.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import { loadChange } from "../gates/story-change.js";
import { changedSince } from "../publish/base-changes.js";
import { touchedPaths } from "../publish/blob-content.js";
import { loadStory } from "../store/stories.js";
import { readSnapshot } from "../story/snapshot.js";
import { statusOf } from "../story/transition.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { withIterationLock } from "./iteration-lock.js";
import { iterationsIn } from "./iterations.js";
import { startBaseIteration, undoBaseIteration } from "./rebuild-on-base.js";

const payload = z.object({
  ref: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: z.object({ id: z.number() }),
});

/**
 * `push` to the base branch of stories waiting at their PR (`reviewApproval`). A story whose
 * kept change touches a path the push changed since the change's base (or when WAVE cannot
 * tell) goes back to build on the new head: its base moves there and the build merges the change
 * onto it (docs/iteration.md, "A moved base"). Without a conflicting path nothing happens: GitHub
 * merges the PR as it is. A story with an iteration in flight is left alone; its publish sees
 * the moved base and starts the same rebuild (src/review/review-gate.ts).
 */
export const handleBasePush: DeliveryHandler = async (delivery, context) => {
  const parsed = payload.safeParse(delivery.payload);
  if (!parsed.success) return "ignored: not a branch push";
  const { ref, after, deleted, repository } = parsed.data;
  if (!ref.startsWith("refs/heads/") || deleted || /^0+$/.test(after)) return "ignored: not a push to a branch";
  const branch = ref.slice("refs/heads/".length);
  const { deps } = context;
  const waiting = await deps.pool.query(
    `SELECT id FROM stories WHERE repo_id = $1 AND base_branch = $2 AND status = 'active' AND pull_request IS NOT NULL ORDER BY created_at`,
    [repository.id, branch],
  );
  if (waiting.rows.length === 0) return `ignored: no story waits on ${branch}`;
  const outcomes: string[] = [];
  for (const { id } of waiting.rows as { id: string }[]) {
    outcomes.push(await onBaseMoved(deps, context.github, id, { deliveryId: delivery.id, branch, after }));
  }
  return outcomes.join("; ");
};

async function onBaseMoved(
  deps: EngineDeps,
  github: GitHubAuth,
  storyId: string,
  push: { deliveryId: string; branch: string; after: string },
): Promise<string> {
  const story = await loadStory(deps.pool, storyId);
  if (!story) return `story ${storyId}: gone`;
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  if (statusOf(snapshot) !== "active" || snapshot.context.step !== "reviewApproval")
    return `story ${story.id}: not waiting at its PR (${snapshot.context.step})`;
  const change = await loadChange(deps.pool, story.id);
  if (!change) return `story ${story.id}: no kept change`;
  if (change.baseSha === push.after) return `story ${story.id}: already on ${push.after.slice(0, 7)}`;
  const octokit = await github.forInstallation(story.installationId);
  const { conflicts } = await changedSince(
    { octokit, owner: story.owner, repo: story.repo },
    change.baseSha,
    push.after,
    touchedPaths(change.files),
  );
  if (conflicts !== null && conflicts.length === 0)
    return `story ${story.id}: ${push.branch} moved to ${push.after.slice(0, 7)} without touching the change's files; nothing to rebuild`;

  // A second, per-story key: one push may move several stories' base.
  const deliveryId = `${push.deliveryId}:${story.id}`;
  return withIterationLock(deps.pool, story.id, async () => {
    const running = await iterationsIn(deps.pool, story.id, "running");
    if (running.some((i) => i.deliveryId !== deliveryId)) return `story ${story.id}: an iteration is already in flight`;
    const start = await startBaseIteration(deps, story, { deliveryId, branch: push.branch, toSha: push.after, paths: conflicts });
    if (start.kind === "bounded") {
      const r = await applyEvent(deps, story.id, { type: "GATE_FAILED", by: "wave", reason: start.reason }, { deliveryId });
      return `story ${story.id}: ${r.applied ? "held" : "not held"}: ${start.reason}`;
    }
    if (start.resumed && (await earlierAttempt(deps.pool, story.id, "RECYCLE", deliveryId)))
      return `story ${story.id}: iteration ${start.iterationId} already sent`;
    const result = await applyEvent(deps, story.id, start.event, { deliveryId });
    if (!result.applied) {
      await undoBaseIteration(deps, story.id, start, push.after);
      return `story ${story.id}: the moved base could not send the story back`;
    }
    const which = conflicts === null ? "paths WAVE could not compare" : conflicts.join(", ");
    return `story ${story.id}: ${push.branch} moved to ${push.after.slice(0, 7)} and changed ${which}; rebuilding the change on it`;
  });
}
