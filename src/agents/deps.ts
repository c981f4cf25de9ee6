import type pg from "pg";
import { createAnthropicClient } from "./anthropic-client.js";
import type { DeveloperLimits } from "./developer.js";
import { pgBudgetLedger } from "./ledger.js";
import type { ModelDeps } from "./model-call.js";
import type { WaveConfig } from "../config/schema.js";

/**
 * Model deps for one story's job, from the repository's config: the client
 * (throws `ModelUnavailable` when ANTHROPIC_API_KEY is missing), the Postgres
 * ledger, the story's budget scope and the price overrides.
 */
export function modelDepsFor(input: {
  config: WaveConfig;
  pool: Pick<pg.Pool, "query" | "connect">;
  storyId: string;
  repoId: number;
  env?: NodeJS.ProcessEnv;
}): ModelDeps {
  return {
    client: createAnthropicClient(input.config.agents.api, input.env),
    ledger: pgBudgetLedger(input.pool),
    scope: {
      storyId: input.storyId,
      repoId: input.repoId,
      storyCapUsd: input.config.budget.story_cap_usd,
      repoCapUsd: input.config.budget.repo_monthly_cap_usd,
    },
    prices: input.config.budget.prices,
  };
}

/** The developer's limits from `agents.limits`, in milliseconds. */
export function developerLimitsFor(config: WaveConfig): DeveloperLimits {
  const l = config.agents.limits;
  return {
    maxTurns: l.max_turns,
    maxWallMs: l.max_wall_seconds * 1_000,
    maxToolResultChars: l.max_tool_result_chars,
    commandTimeoutMs: l.command_timeout_seconds * 1_000,
  };
}
