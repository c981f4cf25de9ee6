import type { ToolCallScreen } from "../agents/screening.js";
import { judgeToolCall, toScreenVerdict } from "./judge.js";
import type { SafetyJudgeDeps } from "./judge.js";

/**
 * The safety layer's implementation of the agents' screening port: the
 * deterministic policy first, then the scorer when a rule is unsure or the
 * call is not plainly safe. Every verdict is saved when a store is given.
 * `block`: do not run the call and return the reasons to the model as the
 * tool error; `escalate`: run it and flag it.
 */
export function createToolCallScreen(deps: SafetyJudgeDeps): ToolCallScreen {
  return {
    async screen(call, context) {
      const verdict = await judgeToolCall(call, { storyId: context.storyId, filesInScope: context.filesInScope }, deps);
      return toScreenVerdict(verdict);
    },
  };
}
