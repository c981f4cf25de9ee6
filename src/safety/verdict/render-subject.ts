import type { ToolCall } from "../../agents/screening.js";
import type { DiffSubject, PlanSubject } from "../types.js";

/** A tool call as the scorer reads it. */
export function renderToolCall(call: ToolCall): string {
  if (call.tool === "bash") return `bash command:\n${call.command}`;
  const parts = [`editor ${call.command} ${call.path}`];
  if (call.oldStr !== undefined) parts.push(`old text:\n${call.oldStr}`);
  if (call.newStr !== undefined) parts.push(`new text:\n${call.newStr}`);
  if (call.content !== undefined) parts.push(`content:\n${call.content}`);
  return parts.join("\n");
}

export function renderPlan(plan: PlanSubject): string {
  return [
    plan.summary ? `Summary: ${plan.summary}` : "",
    "Steps:",
    ...plan.steps.map((s, i) => `${i + 1}. ${s}`),
    `Files in scope: ${plan.filesInScope.join(", ") || "(none)"}`,
    `Test command: ${plan.testCommand ?? "(detected)"}`,
    "Risks:",
    ...plan.risks.map((r) => `- ${r}`),
  ]
    .filter((l) => l !== "")
    .join("\n");
}

export function renderDiff(subject: DiffSubject): string {
  const log = subject.toolCalls.map((c, i) => `#${i + 1} ${c.tool === "bash" ? c.command : `${c.command} ${c.path}`}`).join("\n");
  return `Tool-call log:\n${log || "(none)"}\n\nUnified diff:\n${subject.diff}`;
}
