import { developerBasePromptTokens } from "../agents/developer.js";
import { priceFor } from "../agents/cost.js";
import { describeHidden } from "../agents/sanitize-untrusted.js";
import { preflightEstimate } from "../agents/preflight.js";
import type { GateWorker } from "../engine/run-gate.js";
import { BudgetExceeded, userMessage } from "../errors.js";
import { judgePlan } from "../safety/index.js";
import { modelDepsOrFailure, safetyDeps, type GateDeps } from "./gate-context.js";
import { storedPlan } from "./stored-plan.js";

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * G2 Pre-flight: the plan must fit what is left of the budget, and score at
 * or above the safety thresholds (block holds; escalate waits for a human).
 */
export function preflightGate(deps: GateDeps): GateWorker {
  return async (story) => {
    const plan = storedPlan(story);
    const { model, failed } = modelDepsOrFailure(deps, story, "PREFLIGHT_FAILED");
    if (failed) return failed;
    const role = story.config.agents.developer;
    const estimate = preflightEstimate({
      plan,
      basePromptTokens: developerBasePromptTokens({ story: { title: story.story.title, body: story.story.body }, plan }),
      developer: {
        max_tokens: role.max_tokens,
        price: priceFor(role.model, story.config.budget.prices),
        maxTurns: story.config.agents.limits.max_turns,
      },
      maxRecycles: story.config.max_recycles,
      position: await model.ledger.position(model.scope),
    });
    if (!estimate.fits) {
      return {
        type: "PREFLIGHT_FAILED",
        by: "wave",
        reason: `the plan is expected to cost ${usd(estimate.expectedUsd)} and ${usd(estimate.remainingUsd)} is left of the budget; raise it with \`/wave budget +<usd>\` or shrink the story`,
      };
    }
    let verdict;
    try {
      verdict = await judgePlan(
        {
          summary: plan.summary,
          steps: plan.steps.map((s) => `${s.title}: ${s.detail}`),
          filesInScope: plan.files_in_scope,
          testCommand: plan.test_command,
          risks: plan.risks,
        },
        { storyId: story.id },
        safetyDeps(deps, story),
      );
    } catch (error) {
      // The scorer's call is metered: one that could overrun the budget is not made, and the story holds on its budget.
      if (error instanceof BudgetExceeded) return { type: "BUDGET_EXHAUSTED", by: "wave", reason: userMessage(error) };
      throw error;
    }
    const reason = verdict.reasons.join("; ") || "no reason given";
    if (verdict.decision === "block")
      return { type: "PREFLIGHT_FAILED", by: "wave", reason: `the plan's safety score is ${verdict.score.toFixed(2)}: ${reason}` };
    if (verdict.decision === "escalate") return { type: "PREFLIGHT_ESCALATED", by: "wave", score: verdict.score, reason };
    // Hidden text in the issue waits for a maintainer's `/wave approve` when configured (the approval hold's owner).
    const hidden = story.story.hiddenText ?? [];
    if (hidden.length > 0 && story.config.safety.hold_on_hidden_text)
      return {
        type: "PREFLIGHT_ESCALATED",
        by: "wave",
        score: verdict.score,
        reason: `${describeHidden(hidden)} (safety.hold_on_hidden_text)`,
      };
    return {
      type: "PREFLIGHT_PASSED",
      by: "wave",
      summary: `expected ${usd(estimate.expectedUsd)} of ${usd(estimate.remainingUsd)} left; plan safety ${verdict.score.toFixed(2)}`,
    };
  };
}
