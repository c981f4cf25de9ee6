import type { PermissionLevel } from "../config/sections/commands.js";

/**
 * Every event a story's statechart understands. Events come from webhooks
 * (label, comment, review, button, PR merged/closed), from finished jobs
 * (plan ready, build done, tests failed…) and from timers. `by` is the GitHub
 * login (or `wave` for the app itself) that caused the event.
 */
export type StoryEvent =
  | { type: "INTAKE_PASSED"; by: string }
  | { type: "PLAN_READY"; by: string; summary: string }
  | { type: "PLAN_FAILED"; by: string; reason: string }
  | { type: "PREFLIGHT_PASSED"; by: string; summary: string }
  | { type: "PREFLIGHT_ESCALATED"; by: string; score: number; reason: string }
  | { type: "PREFLIGHT_FAILED"; by: string; reason: string }
  | { type: "BUILD_DONE"; by: string; filesChanged: number }
  | { type: "BUILD_FAILED"; by: string; reason: string }
  | { type: "VERIFY_PASSED"; by: string }
  | { type: "VERIFY_FAILED"; by: string; output: string }
  | { type: "SAFETY_PASSED"; by: string; score: number }
  | { type: "SAFETY_ESCALATED"; by: string; score: number; reason: string }
  | { type: "SAFETY_BLOCKED"; by: string; score: number; reason: string }
  | { type: "REVIEW_DONE"; by: string; verdict: string; pullRequest: number }
  | { type: "PUBLISH_FAILED"; by: string; reason: string }
  /** The gate's work failed in a way no retry fixed (sandbox down, model unreachable…). */
  | { type: "GATE_FAILED"; by: string; reason: string }
  | { type: "APPROVE"; by: string }
  | { type: "PR_MERGED"; by: string }
  | { type: "PR_CLOSED"; by: string }
  | { type: "ISSUE_CLOSED"; by: string }
  | { type: "HOLD"; by: string; reason?: string }
  /** `role`: the authority the commands layer granted the sender; it decides which holds the event may lift (hold-rules.ts). */
  | { type: "UNHOLD"; by: string; role?: PermissionLevel }
  | { type: "KILL"; by: string; reason: string }
  | { type: "RECYCLE"; by: string; feedback: string; role?: PermissionLevel }
  | { type: "RETRY"; by: string; role?: PermissionLevel }
  | { type: "BUDGET_EXHAUSTED"; by: string; reason: string }
  | { type: "BUDGET_RAISED"; by: string; usd: number }
  | { type: "EMERGENCY_STOP"; by: string }
  | { type: "EMERGENCY_RESUME"; by: string };

export type StoryEventType = StoryEvent["type"];

/** One example of each event type, used by exhaustive tests and the graph walker. */
export const sampleEvents: { [K in StoryEventType]: Extract<StoryEvent, { type: K }> } = {
  INTAKE_PASSED: { type: "INTAKE_PASSED", by: "wave" },
  PLAN_READY: { type: "PLAN_READY", by: "wave", summary: "3 steps" },
  PLAN_FAILED: { type: "PLAN_FAILED", by: "wave", reason: "the model's plan did not parse" },
  PREFLIGHT_PASSED: { type: "PREFLIGHT_PASSED", by: "wave", summary: "fits the budget" },
  PREFLIGHT_ESCALATED: { type: "PREFLIGHT_ESCALATED", by: "wave", score: 0.8, reason: "plan touches deployment scripts" },
  PREFLIGHT_FAILED: { type: "PREFLIGHT_FAILED", by: "wave", reason: "estimate exceeds the budget" },
  BUILD_DONE: { type: "BUILD_DONE", by: "wave", filesChanged: 2 },
  BUILD_FAILED: { type: "BUILD_FAILED", by: "wave", reason: "the change is empty" },
  VERIFY_PASSED: { type: "VERIFY_PASSED", by: "wave" },
  VERIFY_FAILED: { type: "VERIFY_FAILED", by: "wave", output: "1 test failed" },
  SAFETY_PASSED: { type: "SAFETY_PASSED", by: "wave", score: 0.95 },
  SAFETY_ESCALATED: { type: "SAFETY_ESCALATED", by: "wave", score: 0.8, reason: "touches auth code" },
  SAFETY_BLOCKED: { type: "SAFETY_BLOCKED", by: "wave", score: 0.2, reason: "secret in diff" },
  REVIEW_DONE: { type: "REVIEW_DONE", by: "wave", verdict: "looks right", pullRequest: 7 },
  PUBLISH_FAILED: { type: "PUBLISH_FAILED", by: "wave", reason: "conflict in src/a.ts" },
  GATE_FAILED: { type: "GATE_FAILED", by: "wave", reason: "the sandbox could not start" },
  APPROVE: { type: "APPROVE", by: "maintainer" },
  PR_MERGED: { type: "PR_MERGED", by: "maintainer" },
  PR_CLOSED: { type: "PR_CLOSED", by: "maintainer" },
  ISSUE_CLOSED: { type: "ISSUE_CLOSED", by: "maintainer" },
  HOLD: { type: "HOLD", by: "maintainer", reason: "wait for the release" },
  UNHOLD: { type: "UNHOLD", by: "maintainer", role: "maintain" },
  KILL: { type: "KILL", by: "maintainer", reason: "not wanted" },
  RECYCLE: { type: "RECYCLE", by: "maintainer", feedback: "use the existing helper", role: "maintain" },
  RETRY: { type: "RETRY", by: "maintainer", role: "maintain" },
  BUDGET_EXHAUSTED: { type: "BUDGET_EXHAUSTED", by: "wave", reason: "budget exhausted" },
  BUDGET_RAISED: { type: "BUDGET_RAISED", by: "maintainer", usd: 2 },
  EMERGENCY_STOP: { type: "EMERGENCY_STOP", by: "owner" },
  EMERGENCY_RESUME: { type: "EMERGENCY_RESUME", by: "owner" },
};
