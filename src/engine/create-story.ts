import type { WaveConfig } from "../config/schema.js";
import { appendAudit } from "../store/audit.js";
import { withTransaction } from "../store/db.js";
import { insertStory, type StoryRow } from "../store/stories.js";
import type { Story } from "../story/parse-story.js";
import { stampDecisions } from "../story/snapshot.js";
import { gateOf, startStory, statusOf, transition } from "../story/transition.js";
import { commitEffects } from "./apply-event.js";
import type { EngineDeps } from "./deps.js";

export interface CreateStoryInput {
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
  startedBy: string;
  story: Story;
  config: WaveConfig;
  /** The organisation's emergency stop is on: the story starts held. */
  orgStopped: { by: string } | null;
  deliveryId: string;
  /** The branch the story starts from, when already known (configured, or the payload's default branch); else the plan gate asks GitHub. */
  baseBranch?: string | null;
}

/**
 * Creates the story and passes intake in one transaction: story row,
 * snapshot, audit rows, outbox effects and the queued plan job. Returns null
 * when the issue already has a live story (labelling again changes nothing).
 */
export async function createStory(deps: EngineDeps, input: CreateStoryInput): Promise<StoryRow | null> {
  const start = startStory({
    startedBy: input.startedBy,
    maxRecycles: input.config.max_recycles,
    requirePlanApproval: input.config.require_plan_approval,
  });
  let next = transition(start.snapshot, { type: "INTAKE_PASSED", by: input.startedBy });
  const effects = [...start.effects, ...next.effects];
  if (input.orgStopped) {
    next = transition(next.snapshot, { type: "EMERGENCY_STOP", by: input.orgStopped.by });
    effects.push(...next.effects);
  }
  next.snapshot = stampDecisions(next.snapshot, new Date().toISOString());
  return withTransaction(deps.pool, async (tx) => {
    const row = await insertStory(tx, {
      installationId: input.installationId,
      repoId: input.repoId,
      owner: input.owner,
      repo: input.repo,
      issueNumber: input.story.issueNumber,
      startedBy: input.startedBy,
      story: input.story,
      config: input.config,
      gate: gateOf(next.snapshot.context),
      status: statusOf(next.snapshot),
      snapshot: next.snapshot,
    });
    if (!row) return null;
    if (input.baseBranch) await tx.query(`UPDATE stories SET base_branch = $2 WHERE id = $1`, [row.id, input.baseBranch]);
    await appendAudit(tx, {
      storyId: row.id,
      owner: input.owner,
      actor: input.startedBy,
      event: "STORY_CREATED",
      fromState: null,
      toState: "intake",
      detail: { deliveryId: input.deliveryId, issue: input.story.issueNumber, acceptanceCriteria: input.story.acceptanceCriteria.length },
    });
    await appendAudit(tx, {
      storyId: row.id,
      owner: input.owner,
      actor: input.startedBy,
      event: "INTAKE_PASSED",
      fromState: "intake",
      toState: "plan.working",
    });
    if (input.orgStopped) {
      await appendAudit(tx, {
        storyId: row.id,
        owner: input.owner,
        actor: input.orgStopped.by,
        event: "EMERGENCY_STOP",
        fromState: "plan.working",
        toState: "held@plan",
        detail: { reason: "started during the organisation's emergency stop" },
      });
    }
    await commitEffects(deps, tx, row.id, effects, row.version);
    return row;
  });
}
