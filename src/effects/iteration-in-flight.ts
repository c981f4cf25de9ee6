import { holdsEmpty } from "../story/hold-rules.js";
import type { StoredSnapshot } from "../story/snapshot.js";
import { statusOf } from "../story/transition.js";

/** The gates an iteration on the open PR runs again before its commit is published. */
const iterationSteps = new Set(["build", "verify", "safety", "review"]);

/** An iteration on the story's open PR that is under way: its PR and when it started. */
export interface IterationInFlight {
  pullRequest: number;
  /** When the recycle that started this attempt was stored (its decision's time); "" when unknown. */
  since: string;
}

/**
 * Pure: the iteration the story is working through on its open PR (a review, a CI failure or
 * `/wave recycle` sent it back to build after the review gate had opened the PR), or null. While
 * one is in flight, the status comment and `wave/gates` say so once, at its start, and are next
 * rendered when it ends (the story waits on the PR again) or holds: the transitions in between
 * (build → verify → safety → review) would each cost a comment edit and check-run writes on a head
 * the iteration is about to replace. Holds, kills and approvals are never in flight.
 */
export function iterationInFlight(snapshot: Pick<StoredSnapshot, "value" | "context">): IterationInFlight | null {
  const ctx = snapshot.context;
  if (statusOf(snapshot) !== "active" || ctx.pullRequest === null || !iterationSteps.has(ctx.step) || !holdsEmpty(ctx.holds)) return null;
  // Each recycle (the iteration's own, or an automatic one after failing tests inside it) starts an attempt worth one render.
  const started = ctx.decisions.findLast((d) => d.decision === "recycle");
  return { pullRequest: ctx.pullRequest, since: started?.at ?? "" };
}
