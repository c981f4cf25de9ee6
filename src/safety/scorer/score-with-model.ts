import { APIError } from "@anthropic-ai/sdk";
import { meteredCall, type MeteredResult, type ModelDeps } from "../../agents/model-call.js";
import { BudgetExceeded, ModelUnavailable } from "../../errors.js";
import { scorerAnswerSchema, scorerTool, scorerToolName } from "./scorer-answer.js";
import type { ScorerOutcome } from "./scorer-outcome.js";
import { scorerPrompt } from "./scorer-prompt.js";
import type { ScorerPromptInput } from "./scorer-prompt.js";
import { noUsage } from "./scorer-outcome.js";

export interface ScorerSettings {
  model: string;
  maxTokens: number;
  timeoutMs: number;
}

/**
 * Asks the model for a verdict through a forced tool call, as a metered call
 * of the `scorer` role: its worst case is reserved in the budget ledger
 * first, at `budget.prices`, like every other model call. A model that cannot
 * be reached or times out gives `unavailable` (the caller blocks), an answer
 * that does not fit the schema gives `unparsed` (0.5).
 *
 * @throws BudgetExceeded when the call could overrun a cap: it is not made,
 *   and the caller holds the story on its budget.
 */
export async function scoreWithModel(model: ModelDeps, input: ScorerPromptInput, settings: ScorerSettings): Promise<ScorerOutcome> {
  const { system, user } = scorerPrompt(input);
  let result: MeteredResult;
  try {
    result = await meteredCall(
      model,
      "scorer",
      {
        model: settings.model,
        max_tokens: settings.maxTokens,
        system,
        messages: [{ role: "user", content: user }],
        tools: [scorerTool],
        tool_choice: { type: "tool", name: scorerToolName },
      },
      // One retry is allowed, but the signal bounds the whole call, retries included.
      { timeout: settings.timeoutMs, maxRetries: 1, signal: AbortSignal.timeout(settings.timeoutMs) },
    );
  } catch (error) {
    if (error instanceof BudgetExceeded) throw error;
    const cause = error instanceof ModelUnavailable ? error.cause : error;
    if (cause instanceof APIError) {
      const status = cause.status === undefined ? "no answer" : `HTTP ${cause.status}`;
      const hint =
        cause.status === 401 || cause.status === 403 ? " Check ANTHROPIC_API_KEY." : " The gate fails closed; retry when the API answers.";
      return {
        status: "unavailable",
        score: 0,
        model: settings.model,
        error: `The safety scorer could not be reached (${status}: ${cause.message}).${hint}`,
      };
    }
    if (!(error instanceof ModelUnavailable)) throw error;
    // The API answered, but with something that is not a message (broken JSON): an answer that does not parse.
    const message = cause instanceof Error ? cause.message : String(cause);
    return {
      status: "unparsed",
      score: 0.5,
      model: settings.model,
      raw: null,
      error: `The scorer's answer could not be read: ${message}`,
      usage: noUsage,
      costUsd: 0,
    };
  }
  const { message, usage, costUsd } = result;
  const block = message.content.find((b) => b.type === "tool_use" && b.name === scorerToolName);
  if (!block || block.type !== "tool_use") {
    return {
      status: "unparsed",
      score: 0.5,
      model: settings.model,
      raw: message.content,
      error: "The scorer did not call the verdict tool.",
      usage,
      costUsd,
    };
  }
  const parsed = scorerAnswerSchema.safeParse(block.input);
  if (!parsed.success) {
    return {
      status: "unparsed",
      score: 0.5,
      model: settings.model,
      raw: block.input,
      error: `The scorer's verdict does not fit the schema: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      usage,
      costUsd,
    };
  }
  return { status: "scored", score: parsed.data.score, answer: parsed.data, model: settings.model, usage, costUsd };
}
