import { summarizeRepository } from "../agents/repo-summary.js";
import { runPlanner } from "../agents/planner.js";
import { describeHidden } from "../agents/sanitize-untrusted.js";
import type { GateWorker } from "../engine/run-gate.js";
import { BudgetExceeded, ModelOutputInvalid, ModelUnavailable, userMessage } from "../errors.js";
import { updateStoryFacts } from "../store/stories.js";
import { modelDepsOrFailure, openWorkspace, type GateDeps } from "./gate-context.js";

/**
 * G1 Plan: a repository summary from the base commit, then the planner's
 * structured plan, kept on the story and shown in the status comment.
 */
export function planGate(deps: GateDeps): GateWorker {
  return async (story, _snapshot, job) => {
    const { model, failed } = modelDepsOrFailure(deps, story, "PLAN_FAILED");
    if (failed) return failed;
    const ws = await openWorkspace(deps, story, job.id);
    try {
      const summary = await summarizeRepository(ws, story.config.agents.limits.max_summary_chars);
      const result = await runPlanner(model, {
        story: { title: story.story.title, body: story.story.body },
        summary,
        role: story.config.agents.planner,
        configuredTestCommand: story.config.test_command,
      });
      await updateStoryFacts(deps.pool, story.id, { plan: { ...result.plan, markdown: result.markdown } });
      if (!result.plan.test_command) {
        return {
          type: "PLAN_FAILED",
          by: "wave",
          reason: "no test command was configured or detected; set `test_command` in .github/wave.yml, then `/wave retry`",
        };
      }
      const hidden = story.story.hiddenText ?? [];
      const flag = hidden.length > 0 ? `; ${describeHidden(hidden)}` : "";
      return {
        type: "PLAN_READY",
        by: "wave",
        summary: `${result.plan.steps.length} step(s), ${result.plan.files_in_scope.length} file(s) in scope${flag}`,
      };
    } catch (error) {
      if (error instanceof BudgetExceeded) return { type: "BUDGET_EXHAUSTED", by: "wave", reason: userMessage(error) };
      if (error instanceof ModelOutputInvalid || error instanceof ModelUnavailable)
        return { type: "PLAN_FAILED", by: "wave", reason: userMessage(error) };
      throw error;
    } finally {
      await ws.destroy();
    }
  };
}
