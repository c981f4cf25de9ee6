import { developerLimitsFor } from "../agents/deps.js";
import { runDeveloper } from "../agents/developer.js";
import type { GateWorker } from "../engine/run-gate.js";
import { userMessage } from "../errors.js";
import { createToolCallScreen } from "../safety/index.js";
import { changeTooLarge, saveChange } from "./story-change.js";
import { modelDepsOrFailure, openWorkspace, safetyDeps, storyBase, type GateDeps } from "./gate-context.js";
import { SetupFailed } from "./setup-phase.js";
import { storedPlan } from "./stored-plan.js";

/**
 * G3 Build: the developer agent's tool loop in the story's sandbox, every
 * tool call screened by the safety policy. The change is exported and kept
 * outside the sandbox before anything else happens, whatever the outcome.
 */
export function buildGate(deps: GateDeps): GateWorker {
  return async (story, snapshot, job) => {
    const plan = storedPlan(story);
    const { model, failed } = modelDepsOrFailure(deps, story, "BUILD_FAILED");
    if (failed) return failed;
    const base = await storyBase(deps, story);
    let ws;
    try {
      ws = await openWorkspace(deps, story, job.id, { setup: true });
    } catch (error) {
      if (error instanceof SetupFailed) return { type: "BUILD_FAILED", by: "wave", reason: userMessage(error) };
      throw error;
    }
    try {
      const feedback = snapshot.context.feedback;
      // Test output from a failed verify goes in as the failure; a person's recycle note as feedback.
      const lastVerifyFailed = snapshot.context.lastFailure !== null && feedback === snapshot.context.lastFailure;
      const outcome = await runDeveloper(
        { ...model, workspace: ws, screen: createToolCallScreen(safetyDeps(deps, story)) },
        {
          storyId: story.id,
          story: { title: story.story.title, body: story.story.body },
          plan,
          role: story.config.agents.developer,
          limits: developerLimitsFor(story.config),
          ...(feedback && lastVerifyFailed ? { failure: feedback } : {}),
          ...(feedback && !lastVerifyFailed ? { feedback } : {}),
        },
      );
      const change = await ws.exportChange();
      const tooLarge = changeTooLarge(change);
      if (tooLarge) return { type: "BUILD_FAILED", by: "wave", reason: tooLarge };
      await saveChange(deps.pool, story.id, base.sha, change, outcome.toolCalls);
      switch (outcome.status) {
        case "done":
          return { type: "BUILD_DONE", by: "wave", filesChanged: change.files.length };
        case "budget_exhausted":
          return { type: "BUDGET_EXHAUSTED", by: "wave", reason: outcome.error ? userMessage(outcome.error) : outcome.reason };
        case "model_unavailable":
          return { type: "BUILD_FAILED", by: "wave", reason: outcome.error ? userMessage(outcome.error) : outcome.reason };
        default:
          return { type: "BUILD_FAILED", by: "wave", reason: `${outcome.reason} (the change so far is kept)` };
      }
    } finally {
      await ws.destroy();
    }
  };
}
