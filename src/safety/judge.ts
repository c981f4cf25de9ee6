import type { ModelDeps } from "../agents/model-call.js";
import type { ToolCall } from "../agents/screening.js";
import type { SafetyConfig } from "../config/sections/safety.js";
import { evaluateDiff } from "./policy/evaluate-diff.js";
import { evaluatePlan } from "./policy/evaluate-plan.js";
import { evaluateToolCall } from "./policy/evaluate-tool-call.js";
import { scoreWithModel } from "./scorer/score-with-model.js";
import { noUsage } from "./scorer/scorer-outcome.js";
import type { ScorerOutcome } from "./scorer/scorer-outcome.js";
import type { VerdictStore } from "./store/verdict-store.js";
import type { DiffSubject, PlanSubject, PolicyContext, PolicyFindings, SubjectKind } from "./types.js";
import { combineScore } from "./verdict/combine-score.js";
import { inputsDigest } from "./verdict/inputs-digest.js";
import { renderDiff, renderPlan, renderToolCall } from "./verdict/render-subject.js";
import type { SafetyVerdict } from "./verdict/safety-verdict.js";

/** What the safety gate needs from the app: configuration, the model client, where to keep verdicts. */
export interface SafetyJudgeDeps {
  config: SafetyConfig;
  /** The story's metered model access (client, budget ledger, scope, `budget.prices`) for the scorer; null means no scorer, so anything that needs one is blocked (fail closed). */
  model: ModelDeps | null;
  /** Why there is no scorer, when `model` is null for a reason other than a missing key (the budget, say). */
  noModelReason?: string | undefined;
  /** Where verdicts are saved; optional so pure callers (benches) can skip it. */
  store?: VerdictStore | undefined;
  /** The story's domain path globs (from `domain_labels` and the labels); empty for no restriction. */
  domainPaths?: string[] | undefined;
  /** Absolute workspace path inside the sandbox. */
  workspaceRoot?: string | undefined;
}

export interface JudgeContext {
  storyId: string | null;
  filesInScope?: string[] | undefined;
}

function policyContext(deps: SafetyJudgeDeps, context: JudgeContext): PolicyContext {
  return {
    workspaceRoot: deps.workspaceRoot ?? "/workspace",
    forbiddenPaths: deps.config.forbidden_paths,
    domainPaths: deps.domainPaths ?? [],
    ...(context.filesInScope ? { filesInScope: context.filesInScope } : {}),
    allowedHosts: deps.config.allowed_hosts,
    ruleOverrides: deps.config.rules,
  };
}

/** Screens one tool call before it runs. The model is asked only when the rules are unsure or the call is not plainly safe (or `scorer.always_score`). */
export async function judgeToolCall(call: ToolCall, context: JudgeContext, deps: SafetyJudgeDeps): Promise<SafetyVerdict> {
  const pc = policyContext(deps, context);
  const findings = evaluateToolCall(call, pc);
  const askModel = deps.config.scorer.always_score || !findings.plainlySafe;
  return decide(
    "tool-call",
    call,
    renderToolCall(call),
    findings,
    askModel ? null : "the rules fully understood a plainly safe call",
    pc,
    context,
    deps,
  );
}

/** Judges the plan at gate 2. */
export async function judgePlan(plan: PlanSubject, context: JudgeContext, deps: SafetyJudgeDeps): Promise<SafetyVerdict> {
  const pc = policyContext(deps, { ...context, filesInScope: context.filesInScope ?? plan.filesInScope });
  const findings = evaluatePlan(plan, pc);
  return decide(
    "plan",
    plan,
    renderPlan(plan),
    findings,
    deps.config.scorer.score_plan ? null : "scorer.score_plan is off",
    pc,
    context,
    deps,
  );
}

/** Judges the final diff and the tool-call log at gate 5. */
export async function judgeDiff(subject: DiffSubject, context: JudgeContext, deps: SafetyJudgeDeps): Promise<SafetyVerdict> {
  const pc = policyContext(deps, context);
  const findings = evaluateDiff(subject, pc);
  return decide(
    "diff",
    subject,
    renderDiff(subject),
    findings,
    deps.config.scorer.score_diff ? null : "scorer.score_diff is off",
    pc,
    context,
    deps,
  );
}

async function decide(
  kind: SubjectKind,
  subject: unknown,
  rendered: string,
  findings: PolicyFindings,
  skipReason: string | null,
  pc: PolicyContext,
  context: JudgeContext,
  deps: SafetyJudgeDeps,
): Promise<SafetyVerdict> {
  const { config } = deps;
  const thresholds = { block: config.block_below, escalate: config.escalate_below };
  const caps = config.severity_caps;
  const digest = inputsDigest({ kind, subject, pc, principles: config.principles, model: config.scorer.model });
  // When the rules alone already block, the model cannot raise the score: do not pay for it.
  const alreadyBlocked = findings.violations.some((v) => caps[v.severity] < thresholds.block);
  let scorer: ScorerOutcome;
  if (alreadyBlocked) scorer = { status: "skipped", reason: "the deterministic rules already block" };
  else if (skipReason !== null) scorer = { status: "skipped", reason: skipReason };
  else scorer = await askScorer(kind, rendered, findings, digest, deps);
  const combined = combineScore(findings, scorer, thresholds, caps);
  const verdict: SafetyVerdict = {
    subjectKind: kind,
    storyId: context.storyId,
    inputsDigest: digest,
    decision: combined.decision,
    score: combined.score,
    thresholds,
    violations: findings.violations,
    uncertainties: findings.uncertainties,
    scorer,
    reasons: combined.reasons,
    ruleIds: combined.ruleIds,
  };
  if (deps.store) await deps.store.save(verdict);
  return verdict;
}

async function askScorer(
  kind: SubjectKind,
  rendered: string,
  findings: PolicyFindings,
  digest: string,
  deps: SafetyJudgeDeps,
): Promise<ScorerOutcome> {
  const { config } = deps;
  const earlier = deps.store ? await deps.store.scoredOutcome(digest) : null;
  // Equal inputs were scored before: reuse that score instead of paying again.
  if (earlier && earlier.status === "scored") return { ...earlier, usage: noUsage, costUsd: 0 };
  if (!deps.model) {
    return {
      status: "unavailable",
      score: 0,
      model: config.scorer.model,
      error:
        deps.noModelReason ??
        "No scorer is configured (no Anthropic client), so a subject that needs one is blocked. Set ANTHROPIC_API_KEY.",
    };
  }
  return scoreWithModel(
    deps.model,
    { kind, subject: rendered, principles: config.principles, findings, maxSubjectChars: config.scorer.max_subject_chars },
    { model: config.scorer.model, maxTokens: config.scorer.max_tokens, timeoutMs: config.scorer.timeout_ms },
  );
}

/** The verdict in the screening port's terms. */
export function toScreenVerdict(verdict: SafetyVerdict): {
  decision: SafetyVerdict["decision"];
  score: number;
  reasons: string[];
  ruleIds: string[];
} {
  return { decision: verdict.decision, score: verdict.score, reasons: verdict.reasons, ruleIds: verdict.ruleIds };
}
