import type { ContentBlock, MessageParam, TextBlockParam, Tool, ToolUseBlock } from "@anthropic-ai/sdk/resources/messages/messages.js";
import type { z } from "zod";
import { ModelOutputInvalid } from "../errors.js";
import { meteredCall, type ModelDeps } from "./model-call.js";
import type { AgentRole } from "../config/sections/agents.js";

export interface ToolAnswerRequest<T> {
  role: AgentRole;
  model: { model: string; max_tokens: number };
  system: TextBlockParam[];
  /** The strict tool the model answers through. */
  tool: Tool;
  /** Validates the tool's input; the answer counts only when it parses. */
  schema: z.ZodType<T>;
  /** The conversation so far (grows with the corrective turns). */
  messages: MessageParam[];
  /** What the answer is, for messages: "plan", "review". */
  what: string;
  /** Requests before giving up. Default 2. */
  maxAttempts?: number;
  /** For the error's hint: what a person can do next. */
  hint: string;
}

export interface ToolAnswer<T> {
  answer: T;
  requests: number;
  costUsd: number;
}

/**
 * Asks for a structured answer through a strict tool (current models reject a
 * forced tool_choice, so the choice stays "auto"), validates it with zod, and
 * gives a missing, misnamed or invalid submission a corrective turn. Every
 * request goes through the budget ledger.
 *
 * @throws ModelOutputInvalid when no valid answer arrives within `maxAttempts` requests.
 * @throws BudgetExceeded / ModelUnavailable from the metered call.
 */
export async function askForToolAnswer<T>(deps: ModelDeps, req: ToolAnswerRequest<T>): Promise<ToolAnswer<T>> {
  const name = req.tool.name;
  const maxAttempts = req.maxAttempts ?? 2;
  let costUsd = 0;
  let lastProblem = "";
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const { message, costUsd: cost } = await meteredCall(deps, req.role, {
      model: req.model.model,
      max_tokens: req.model.max_tokens,
      system: req.system,
      tools: [req.tool],
      tool_choice: { type: "auto" },
      messages: req.messages,
    });
    costUsd += cost;
    req.messages.push({ role: "assistant", content: message.content });
    const uses = message.content.filter((b: ContentBlock): b is ToolUseBlock => b.type === "tool_use");
    const submission = uses.find((u) => u.name === name);
    const parsed = submission ? req.schema.safeParse(submission.input) : undefined;
    if (submission && parsed?.success) return { answer: parsed.data, requests: attempt, costUsd };
    const issues = describeIssues(parsed?.error?.issues ?? [], req.what);
    lastProblem = !submission
      ? uses.length > 0
        ? `it called ${uses.map((u) => u.name).join(", ")} instead of ${name}`
        : `it answered without calling ${name}${message.stop_reason === "max_tokens" ? " (it ran out of max_tokens)" : ""}`
      : `the ${req.what} did not match the schema: ${issues}`;
    if (uses.length === 0)
      req.messages.push({ role: "user", content: `No ${req.what} was submitted. Call the ${name} tool with the ${req.what}.` });
    else
      req.messages.push({
        role: "user",
        content: uses.map((u) => ({
          type: "tool_result" as const,
          tool_use_id: u.id,
          is_error: true,
          content:
            u === submission
              ? `The ${req.what} was rejected: ${issues}. Fix these fields and call ${name} again.`
              : `Unknown tool "${u.name}". The only tool is ${name}.`,
        })),
      });
  }
  throw new ModelOutputInvalid(`The ${req.role} gave no usable ${req.what} after ${maxAttempts} requests: ${lastProblem}.`, {
    hint: req.hint,
  });
}

function describeIssues(issues: readonly z.core.$ZodIssue[], what: string): string {
  return issues
    .slice(0, 8)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : `(${what})`}: ${i.message}`)
    .join("; ");
}
