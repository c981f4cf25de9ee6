import { z } from "zod";

/** Model and output cap for one agent role. */
function roleSchema(defaults: { model: string; max_tokens: number }) {
  return z
    .object({
      /** The Anthropic model id the role calls. It must have a price in `budget.prices`. */
      model: z.string().min(1).default(defaults.model),
      /** The most output tokens one call may produce; also the output side of the worst-case budget check. */
      max_tokens: z.number().int().min(256).max(128_000).default(defaults.max_tokens),
    })
    .strict()
    .prefault({});
}

/** `agents:` in .github/wave.yml. Owned by the agents layer; every key has a documented default. */
export const agentsSection = z
  .object({
    /** Gate 1: reads the repository summary and the story, answers a structured plan. */
    planner: roleSchema({ model: "claude-sonnet-5-5", max_tokens: 8_000 }),
    /** Gate 3: the tool loop that edits code and runs commands in the sandbox. */
    developer: roleSchema({ model: "claude-sonnet-5-5", max_tokens: 8_000 }),
    /** Gate 6: reviews the final diff. */
    reviewer: roleSchema({ model: "claude-sonnet-5-5", max_tokens: 4_000 }),
    /** Safety scorer: scores plans, tool calls and diffs against the constitution. */
    scorer: roleSchema({ model: "claude-haiku-5-5", max_tokens: 1_024 }),
    /** Limits on one developer run (one build, or one fix after a failed verify). */
    limits: z
      .object({
        /** Model turns (requests) one developer run may take before it stops as unfinished. */
        max_turns: z.number().int().min(1).max(500).default(40),
        /** Wall-clock seconds one developer run may take, model and tool time together. */
        max_wall_seconds: z.number().int().min(10).max(6 * 3600).default(1_800),
        /** Characters of one tool result sent back to the model; the middle of longer output is cut with a marker. */
        max_tool_result_chars: z.number().int().min(1_000).max(200_000).default(20_000),
        /** Seconds one sandbox command (a bash tool call) may run before it is killed. */
        command_timeout_seconds: z.number().int().min(1).max(3_600).default(300),
        /** Seconds the test command may run at the verify gate. */
        test_timeout_seconds: z.number().int().min(10).max(6 * 3600).default(900),
        /** Characters of failing test output handed to the developer's next turn (head and tail are kept). */
        max_failure_chars: z.number().int().min(1_000).max(100_000).default(8_000),
        /** Characters of repository summary (tree, README, manifests, conventions) the planner reads. */
        max_summary_chars: z.number().int().min(2_000).max(400_000).default(60_000),
      })
      .strict()
      .prefault({}),
    /** How the app talks to the Anthropic API. */
    api: z
      .object({
        /** Seconds before one model request is abandoned (and retried). */
        request_timeout_seconds: z.number().int().min(5).max(600).default(300),
        /** Retries the SDK makes on 408, 409, 429, 5xx and 529 overloaded, with backoff and `retry-after`. */
        max_retries: z.number().int().min(0).max(10).default(4),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type AgentsConfig = z.infer<typeof agentsSection>;
export type AgentRole = "planner" | "developer" | "reviewer" | "scorer";
