import type Anthropic from "@anthropic-ai/sdk";
import { APIError } from "@anthropic-ai/sdk";
import { scorerAnswerSchema, scorerTool, scorerToolName } from "./scorer-answer.js";
import type { ScorerOutcome } from "./scorer-outcome.js";
import { scorerPrompt } from "./scorer-prompt.js";
import type { ScorerPromptInput } from "./scorer-prompt.js";
import { scoringCostUsd } from "./scoring-cost.js";
import type { PriceTable, ScoringUsage } from "./scoring-cost.js";

export interface ScorerSettings {
  model: string;
  maxTokens: number;
  timeoutMs: number;
  prices: PriceTable;
}

/**
 * Asks the model for a verdict through a forced tool call. Never throws: a
 * model that cannot be reached or times out gives `unavailable` (the caller
 * blocks), an answer that does not fit the schema gives `unparsed` (0.5).
 */
export async function scoreWithModel(client: Anthropic, input: ScorerPromptInput, settings: ScorerSettings): Promise<ScorerOutcome> {
  const { system, user } = scorerPrompt(input);
  let message: Anthropic.Message;
  try {
    message = await client.messages.create(
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
    if (error instanceof APIError) {
      const status = error.status === undefined ? "no answer" : `HTTP ${error.status}`;
      const hint = error.status === 401 || error.status === 403 ? " Check ANTHROPIC_API_KEY." : " The gate fails closed; retry when the API answers.";
      return { status: "unavailable", score: 0, model: settings.model, error: `The safety scorer could not be reached (${status}: ${error.message}).${hint}` };
    }
    // The API answered, but with something that is not a message (broken JSON): an answer that does not parse.
    return { status: "unparsed", score: 0.5, model: settings.model, raw: null, error: `The scorer's answer could not be read: ${error instanceof Error ? error.message : String(error)}`, usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 }, costUsd: 0 };
  }
  const usage: ScoringUsage = {
    inputTokens: message.usage.input_tokens,
    outputTokens: message.usage.output_tokens,
    cacheWriteTokens: message.usage.cache_creation_input_tokens ?? 0,
    cacheReadTokens: message.usage.cache_read_input_tokens ?? 0,
  };
  const costUsd = scoringCostUsd(message.model || settings.model, usage, settings.prices);
  const block = message.content.find((b) => b.type === "tool_use" && b.name === scorerToolName);
  if (!block || block.type !== "tool_use") {
    return { status: "unparsed", score: 0.5, model: settings.model, raw: message.content, error: "The scorer did not call the verdict tool.", usage, costUsd };
  }
  const parsed = scorerAnswerSchema.safeParse(block.input);
  if (!parsed.success) {
    return { status: "unparsed", score: 0.5, model: settings.model, raw: block.input, error: `The scorer's verdict does not fit the schema: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`, usage, costUsd };
  }
  return { status: "scored", score: parsed.data.score, answer: parsed.data, model: settings.model, usage, costUsd };
}
