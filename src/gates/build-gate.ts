import { developerLimitsFor } from "../agents/deps.js";
import { runDeveloper } from "../agents/developer.js";
import type { GateWorker } from "../engine/run-gate.js";
import { userMessage } from "../errors.js";
import { createToolCallScreen } from "../safety/index.js";
import { changeTooLarge, saveChange } from "./story-change.js";
import { iterationsIn } from "../iterate/iterations.js";
import { modelDepsOrFailure, openStoryWorkspace, safetyDeps, storyBase, type GateDeps, type StoryWorkspace } from "./gate-context.js";
import { conflictFeedback, unresolvedConflicts } from "./merge-conflict-text.js";
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
    let merge: StoryWorkspace["merge"];
    let builtOnHead: string | null;
    try {
      // A person's commits on the PR head are the workspace's starting point (docs/iteration.md).
      ({ ws, merge, builtOnHead } = await openStoryWorkspace(deps, story, job.id, {
        setup: true,
        mergeConflicts: true,
        fromPullRequestHead: true,
      }));
    } catch (error) {
      if (error instanceof SetupFailed) return { type: "BUILD_FAILED", by: "wave", reason: userMessage(error) };
      throw error;
    }
    try {
      // The base moved under the change (docs/iteration.md): when only that sent the story here and the
      // change merged onto the new base cleanly, there is nothing for a model to do.
      const running = merge ? await iterationsIn(deps.pool, story.id, "running") : [];
      const rebaseOnly = running.at(-1)?.source === "base";
      if (merge && merge.conflicts.length === 0 && rebaseOnly) {
        const change = await ws.exportChange();
        const tooLarge = changeTooLarge(change);
        if (tooLarge) return { type: "BUILD_FAILED", by: "wave", reason: tooLarge };
        await saveChange(deps.pool, story.id, base.sha, change, [], builtOnHead);
        return { type: "BUILD_DONE", by: "wave", filesChanged: change.files.length };
      }
      const conflict = merge && merge.conflicts.length > 0 ? conflictFeedback(merge) : undefined;
      // A base move's own note says nothing the conflict does not.
      const feedback = rebaseOnly ? null : snapshot.context.feedback;
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
          ...(conflict ? { mergeConflict: conflict } : {}),
          ...(feedback && lastVerifyFailed ? { failure: feedback } : {}),
          ...(feedback && !lastVerifyFailed ? { feedback } : {}),
        },
      );
      const change = await ws.exportChange();
      const tooLarge = changeTooLarge(change);
      if (tooLarge) return { type: "BUILD_FAILED", by: "wave", reason: tooLarge };
      await saveChange(deps.pool, story.id, base.sha, change, outcome.toolCalls, builtOnHead);
      const unresolved = merge ? unresolvedConflicts(merge, change.files) : [];
      if (unresolved.length > 0 && outcome.status === "done")
        return {
          type: "BUILD_FAILED",
          by: "wave",
          reason: `conflict markers are still in ${unresolved.join(", ")} after the developer's run (the change so far is kept)`,
        };
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
