import type { Decision as CheckDecision, GateRow, GateState, StoryStanding } from "../checks/types.js";
import { holdsInPlace, type HoldInPlace } from "./hold-rules.js";
import { gates, type StoryContext } from "./machine.js";
import type { StoredSnapshot } from "./snapshot.js";
import { gateOf, stateName } from "./transition.js";

export interface GateView {
  standing: StoryStanding;
  gates: GateRow[];
  /** Why the story is held or killed, in one line. */
  reason: string | undefined;
  decisions: CheckDecision[];
  /** Every hold still in place (escalations waiting for approval included), with who may lift it. */
  holds: HoldInPlace[];
}

const approvalSteps = new Set(["planApproval", "preflightApproval", "safetyApproval", "reviewApproval"]);

/** Why a held story is held, most pressing first. */
export function holdReason(context: StoryContext): string | undefined {
  const h = context.holds;
  if (h.emergency) return `organisation emergency stop by @${h.emergency.by}`;
  if (h.budget) return h.budget.reason;
  if (h.gate) return h.gate.reason;
  const people = h.people ?? [];
  if (people.length === 1 && people[0]) return `held by @${people[0].by}: ${people[0].reason}`;
  if (people.length > 1) return `held by ${people.map((hold) => `@${hold.by}`).join(", ")}`;
  return undefined;
}

/** Pure: where each gate stands, for the status comment, the PR body and the `wave/gates` check. */
export function gateView(snapshot: StoredSnapshot): GateView {
  const name = stateName(snapshot);
  const ctx = snapshot.context;
  const current = gates.indexOf(gateOf(ctx));
  let standing: StoryStanding;
  let currentState: GateState;
  let reason: string | undefined;
  if (name === "done") {
    standing = "done";
    currentState = "passed";
  } else if (name === "killed") {
    standing = "killed";
    currentState = "killed";
    reason = ctx.killed?.reason;
  } else if (name === "held") {
    standing = "held";
    currentState = "held";
    reason = holdReason(ctx);
  } else if (ctx.step === "merge") {
    standing = "ready";
    currentState = "passed";
  } else if (approvalSteps.has(ctx.step)) {
    standing = "awaiting_approval";
    currentState = "awaiting_approval";
  } else {
    standing = "working";
    currentState = "running";
  }
  const rows: GateRow[] = gates.map((gate, i) => {
    const state: GateState = name === "done" || i < current ? "passed" : i === current ? currentState : "pending";
    const note = noteFor(gate, state, ctx, reason);
    return note ? { gate, state, note } : { gate, state };
  });
  const decisions: CheckDecision[] = ctx.decisions.map((d) => ({
    at: d.at ?? "",
    gate: d.gate,
    decision: d.decision === "retry" ? "unhold" : d.decision === "fail" ? "hold" : d.decision === "done" ? "go" : d.decision,
    by: d.by,
    reason: d.why,
  }));
  const holds = name === "killed" || name === "done" ? [] : holdsInPlace(ctx);
  return { standing, gates: rows, reason, decisions, holds };
}

function noteFor(gate: string, state: GateState, ctx: StoryContext, reason: string | undefined): string | undefined {
  if ((state === "held" || state === "killed") && reason) return reason;
  if (gate === "verify" && ctx.recycles > 0) return `${ctx.recycles} of ${ctx.maxRecycles} recycles`;
  if (gate === "plan" && state === "awaiting_approval") return "a person approves the plan";
  if (gate === "preflight" && state === "awaiting_approval") return "a person accepts the escalated plan";
  if (gate === "safety" && state === "awaiting_approval") return "a person accepts the escalated finding";
  if (gate === "review" && state === "awaiting_approval") return `a person other than @${ctx.startedBy} approves`;
  if (gate === "merge" && state === "passed" && ctx.step === "merge") return "ready: a person merges the PR";
  if (gate === "review" && ctx.pullRequest && state === "passed") return `PR #${ctx.pullRequest}`;
  return undefined;
}
