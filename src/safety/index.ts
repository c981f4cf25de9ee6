/**
 * The safety layer's public surface: what the agent loop, the statechart's
 * gates and the effects layer call. Everything else under src/safety is
 * internal.
 */
export { createToolCallScreen } from "./create-tool-call-screen.js";
export { judgeDiff, judgePlan, judgeToolCall, toScreenVerdict } from "./judge.js";
export type { JudgeContext, SafetyJudgeDeps } from "./judge.js";
export { evaluateDiff } from "./policy/evaluate-diff.js";
export { evaluatePlan } from "./policy/evaluate-plan.js";
export { evaluateToolCall } from "./policy/evaluate-tool-call.js";
export { renderSafetyCheck, safetyCheckName } from "./check-run/render-safety-check.js";
export { latestVerdict, postgresVerdictStore, saveVerdict } from "./store/verdict-store.js";
export type { Queryable, VerdictStore } from "./store/verdict-store.js";
export { ruleCatalogue, ruleIds } from "./rules/catalogue.js";
export type { RuleId } from "./rules/catalogue.js";
export type { SafetyVerdict } from "./verdict/safety-verdict.js";
export type { ScorerOutcome } from "./scorer/scorer-outcome.js";
export type { DiffSubject, PlanSubject, PolicyContext, PolicyFindings, SafetyDecision, Severity, SubjectKind, Violation } from "./types.js";
