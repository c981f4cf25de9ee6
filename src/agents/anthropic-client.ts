import Anthropic from "@anthropic-ai/sdk";
import { ModelUnavailable } from "../errors.js";
import type { AgentsConfig } from "../config/sections/agents.js";

/**
 * The one Anthropic client factory. The key comes from `ANTHROPIC_API_KEY`,
 * the endpoint from `ANTHROPIC_BASE_URL` (else the SDK's default); the SDK
 * retries 408/409/429/5xx/529 with backoff and honours `retry-after`.
 *
 * @throws ModelUnavailable when no key is set, so the story holds at the plan gate instead of crashing.
 */
export function createAnthropicClient(api: AgentsConfig["api"], env: NodeJS.ProcessEnv = process.env): Anthropic {
  const apiKey = env.ANTHROPIC_API_KEY?.trim();
  if (!apiKey)
    throw new ModelUnavailable("The Anthropic API key (ANTHROPIC_API_KEY) is not set, so no agent can run.", {
      hint: "Set ANTHROPIC_API_KEY in the app's environment, restart it, then `/wave retry`.",
    });
  const baseURL = env.ANTHROPIC_BASE_URL?.trim();
  return new Anthropic({
    apiKey,
    ...(baseURL ? { baseURL } : {}),
    maxRetries: api.max_retries,
    timeout: api.request_timeout_seconds * 1_000,
  });
}
