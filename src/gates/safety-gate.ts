import type { ToolCall } from "../agents/screening.js";
import type { GateWorker } from "../engine/run-gate.js";
import { BudgetExceeded, userMessage } from "../errors.js";
import { judgeDiff } from "../safety/index.js";
import { safetyDeps, type GateDeps } from "./gate-context.js";
import { loadChange } from "./story-change.js";
import { storedPlan } from "./stored-plan.js";

interface LoggedCall {
  tool: string;
  input: unknown;
}

/** The developer's tool-call log as the safety policy reads it. */
export function toolCallsOf(log: unknown[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const entry of log as LoggedCall[]) {
    const input = (entry.input ?? {}) as Record<string, unknown>;
    if (entry.tool === "bash" && typeof input.command === "string") calls.push({ tool: "bash", command: input.command });
    else if (entry.tool === "str_replace_based_edit_tool" && typeof input.path === "string" && typeof input.command === "string") {
      const command = input.command as "view" | "create" | "str_replace" | "insert";
      calls.push({
        tool: "str_replace_based_edit_tool",
        command,
        path: input.path,
        ...(typeof input.file_text === "string" ? { content: input.file_text } : {}),
        ...(typeof input.old_str === "string" ? { oldStr: input.old_str } : {}),
        ...(typeof input.new_str === "string"
          ? { newStr: input.new_str }
          : typeof input.insert_text === "string"
            ? { newStr: input.insert_text }
            : {}),
      });
    }
  }
  return calls;
}

/** G5 Safety: the final diff and the whole tool-call log against the policy and the scorer. */
export function safetyGate(deps: GateDeps): GateWorker {
  return async (story) => {
    const change = await loadChange(deps.pool, story.id);
    if (!change) return { type: "GATE_FAILED", by: "wave", reason: "no change was kept for this story" };
    const plan = storedPlan(story);
    let verdict;
    try {
      verdict = await judgeDiff(
        { diff: change.patch, toolCalls: toolCallsOf(change.toolCalls) },
        { storyId: story.id, filesInScope: plan.files_in_scope },
        safetyDeps(deps, story),
      );
    } catch (error) {
      // The scorer's call is metered: one that could overrun the budget is not made, and the story holds on its budget.
      if (error instanceof BudgetExceeded) return { type: "BUDGET_EXHAUSTED", by: "wave", reason: userMessage(error) };
      throw error;
    }
    const reason = verdict.reasons.join("; ") || "no reason given";
    if (verdict.decision === "block") return { type: "SAFETY_BLOCKED", by: "wave", score: verdict.score, reason };
    if (verdict.decision === "escalate") return { type: "SAFETY_ESCALATED", by: "wave", score: verdict.score, reason };
    return { type: "SAFETY_PASSED", by: "wave", score: verdict.score };
  };
}
