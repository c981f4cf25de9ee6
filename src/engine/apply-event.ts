import type { Effect } from "../effects/effect.js";
import { enqueue, QUEUES } from "../jobs/queue.js";
import { appendAudit } from "../store/audit.js";
import { withTransaction, type Tx } from "../store/db.js";
import { addEffects } from "../store/outbox.js";
import { loadStory, saveSnapshot, type StoryRow } from "../store/stories.js";
import type { StoryEvent } from "../story/events.js";
import { MACHINE_VERSION } from "../story/machine.js";
import { readSnapshot, stampDecisions, type StoredSnapshot } from "../story/snapshot.js";
import { gateOf, stateName, statusOf, transition, type MachineEffect } from "../story/transition.js";
import type { EngineDeps } from "./deps.js";
import { queueStoryNotification } from "../notify/queue-story-notification.js";

export interface ApplyResult {
  applied: boolean;
  story: StoryRow;
  from: string;
  to: string;
}

/** Lost optimistic races are retried this many times, with jittered backoff, before giving up (the job then retries later). */
const MAX_ATTEMPTS = 30;

export class ConcurrentUpdateError extends Error {}

/**
 * One event = one transaction: load the snapshot, run the pure transition,
 * write it only if nobody else wrote first (version check), and in the same
 * transaction append the audit row, the outbox effects and the queued jobs.
 * A lost race retries the whole event against the new snapshot.
 */
export async function applyEvent(
  deps: EngineDeps,
  storyId: string,
  event: StoryEvent,
  detail: Record<string, unknown> = {},
): Promise<ApplyResult> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const result = await withTransaction(deps.pool, async (tx) => {
      const story = await loadStory(tx, storyId);
      if (!story) throw new Error(`story ${storyId} does not exist`);
      const current = readSnapshot(story.snapshot, story.machineVersion);
      const from = describe(current);
      const next = transition(current, event);
      next.snapshot = stampDecisions(next.snapshot, new Date().toISOString());
      if (!next.changed) {
        // Ignored events are audited against the state they were judged in: confirm nobody changed it meanwhile.
        if (!(await confirmVersion(tx, storyId, story.version))) return null;
        await appendAudit(tx, {
          storyId,
          owner: story.owner,
          actor: event.by,
          event: event.type,
          fromState: from,
          toState: from,
          detail: { ...detail, ignored: true },
        });
        return { applied: false, story, from, to: from } satisfies ApplyResult;
      }
      const status = statusOf(next.snapshot);
      const gate = gateOf(next.snapshot.context);
      if (!(await saveSnapshot(tx, storyId, story.version, next.snapshot, gate, status))) return null;
      const to = describe(next.snapshot);
      await appendAudit(tx, {
        storyId,
        owner: story.owner,
        actor: event.by,
        event: event.type,
        fromState: from,
        toState: to,
        detail: { ...detail, ...eventDetail(event) },
      });
      await commitEffects(deps, tx, storyId, next.effects, story.version + 1);
      await queueStoryNotification(tx, story, event, from, to, next.snapshot);
      return {
        applied: true,
        story: { ...story, snapshot: next.snapshot, machineVersion: MACHINE_VERSION, version: story.version + 1, status, gate },
        from,
        to,
      } satisfies ApplyResult;
    });
    if (result) return result;
    deps.log.debug({ storyId, event: event.type, attempt }, "lost an optimistic race; retrying the event");
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
  throw new ConcurrentUpdateError(`story ${storyId}: event ${event.type} lost ${MAX_ATTEMPTS} races in a row`);
}

/**
 * Turns the machine's effects into queued jobs and outbox rows inside the
 * transaction. Every change also re-renders the issue (status comment, labels)
 * and, once the story has a PR, its check runs.
 */
export async function commitEffects(deps: EngineDeps, tx: Tx, storyId: string, effects: MachineEffect[], version: number): Promise<void> {
  const outbox: Effect[] = [{ kind: "sync-issue" }, { kind: "sync-checks" }];
  for (const fx of effects) {
    if (fx.kind === "queue-gate") {
      await enqueue(deps.boss, tx, QUEUES.gate, { storyId, gate: fx.gate, version }, { singletonKey: storyId });
    } else if (fx.kind === "stop-sandbox") {
      outbox.push({ kind: "stop-sandbox" });
    }
  }
  await addEffects(tx, storyId, outbox);
  // The status comment and check runs are rendered from the state the effects job finds: a second's wait
  // lets transitions that follow each other fast (plan → pre-flight, verify → safety) fold into one render
  // (the queue keeps one waiting job per story), so a story's GitHub writes do not depend on timing.
  await enqueue(deps.boss, tx, QUEUES.effects, { storyId }, { singletonKey: storyId, startAfter: EFFECTS_SETTLE_SECONDS });
}

/** Seconds a transition's effects wait, so that fast successive transitions are written to GitHub once. */
export const EFFECTS_SETTLE_SECONDS = 1;

/** Adds one-off effects (e.g. a reply) for a story, outside any state change. */
export async function addStoryEffects(deps: EngineDeps, storyId: string, effects: Effect[]): Promise<void> {
  await withTransaction(deps.pool, async (tx) => {
    await addEffects(tx, storyId, effects);
    await enqueue(deps.boss, tx, QUEUES.effects, { storyId }, { singletonKey: storyId });
  });
}

async function confirmVersion(tx: Tx, storyId: string, version: number): Promise<boolean> {
  const res = await tx.query(`UPDATE stories SET version = version WHERE id = $1 AND version = $2`, [storyId, version]);
  return res.rowCount === 1;
}

function describe(s: StoredSnapshot): string {
  const name = stateName(s);
  return name === "held"
    ? `held@${s.context.step}`
    : typeof s.value === "string"
      ? s.value
      : `${name}.${Object.values(s.value)[0] as string}`;
}

function eventDetail(event: StoryEvent): Record<string, unknown> {
  const { type: _t, by: _b, ...rest } = event;
  // Long outputs (test logs) live in the snapshot's context; the audit keeps a short excerpt.
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === "string" && v.length > 500 ? `${v.slice(0, 500)}…` : v]));
}
