import Anthropic from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { ModelUnavailable, WaveError } from "../errors.js";
import { costOf, estimateInputTokens, priceFor, tokenUsage, worstCaseCost } from "./cost.js";
import type { TokenUsage } from "./cost.js";
import type { BudgetLedger, BudgetScope } from "./ledger.js";
import type { AgentRole } from "../config/sections/agents.js";
import type { ModelPrice } from "../config/sections/budget.js";

/** The SDK's per-request options (timeout, retries, abort signal). */
type RequestOptions = Parameters<Anthropic["messages"]["create"]>[1];

/** Everything a metered model call needs; the lead builds one per story job. */
export interface ModelDeps {
  client: Anthropic;
  ledger: BudgetLedger;
  scope: BudgetScope;
  /** `budget.prices` from the repository's config (the built-in table fills the gaps). */
  prices: Readonly<Record<string, ModelPrice>>;
}

export interface MeteredResult {
  message: Message;
  usage: TokenUsage;
  costUsd: number;
  /** Wall time of the request, retries included. */
  latencyMs: number;
}

/**
 * The only way anything calls the model (planner, developer, reviewer and the
 * safety scorer): the worst case is reserved in the ledger first (a call that
 * could overrun a cap throws `BudgetExceeded` and is not made), then the call
 * runs, then its real usage and cost are recorded. `options` are the SDK's
 * request options (the scorer bounds its call with a timeout and a signal).
 */
export async function meteredCall(
  deps: ModelDeps,
  role: AgentRole,
  params: MessageCreateParamsNonStreaming,
  options?: RequestOptions,
): Promise<MeteredResult> {
  const price = priceFor(params.model, deps.prices);
  const worstCaseUsd = worstCaseCost(estimateInputTokens(params), params.max_tokens, price);
  const id = await deps.ledger.reserve(deps.scope, { role, model: params.model, worstCaseUsd });
  const started = performance.now();
  let message: Message;
  try {
    message = await deps.client.messages.create(params, options);
  } catch (error) {
    const latencyMs = performance.now() - started;
    await deps.ledger.fail(id, { error: error instanceof Error ? error.message : String(error), latencyMs });
    throw modelError(error, role);
  }
  const latencyMs = performance.now() - started;
  const usage = tokenUsage(message.usage);
  const costUsd = costOf(usage, price);
  await deps.ledger.settle(id, { usage, costUsd, latencyMs });
  return { message, usage, costUsd, latencyMs };
}

/** Turns the SDK's errors (after its retries) into named errors that say what to do. */
function modelError(error: unknown, role: AgentRole): WaveError {
  if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError)
    return new ModelUnavailable(`The Anthropic API refused the key (${error.status}) for the ${role}.`, {
      hint: "Check ANTHROPIC_API_KEY (and the organisation's access to the configured model), then `/wave retry`.",
      cause: error,
    });
  if (error instanceof Anthropic.BadRequestError || error instanceof Anthropic.NotFoundError)
    return new ModelUnavailable(`The Anthropic API rejected the ${role}'s request (${error.status}): ${error.message}`, {
      hint: "Check agents.<role>.model in .github/wave.yml names a model this key can use.",
      cause: error,
    });
  if (error instanceof Anthropic.APIError)
    return new ModelUnavailable(`The Anthropic API kept failing for the ${role} after retries: ${error.message}`, {
      hint: "The API may be overloaded or rate-limited; `/wave retry` in a few minutes.",
      cause: error,
    });
  if (error instanceof WaveError) return error;
  return new ModelUnavailable(`The ${role}'s model call failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
  });
}
