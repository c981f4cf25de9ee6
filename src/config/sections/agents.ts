import { z } from "zod";

/**
 * Model and output cap for one agent role. Each key's description is what the
 * JSON Schema and docs/configuration.md show, so it names the role.
 */
function roleSchema(role: string, defaults: { model: string; max_tokens: number }) {
  return z
    .object({
      model: z
        .string()
        .min(1)
        .default(defaults.model)
        .describe(`The Anthropic model id the ${role} calls; it must have a price, built in or in \`budget.prices\`.`),
      max_tokens: z
        .number()
        .int()
        .min(256)
        .max(128_000)
        .default(defaults.max_tokens)
        .describe(`The most output tokens one ${role} call may produce; also the output side of the worst-case budget check.`),
    })
    .strict()
    .prefault({});
}

/** `agents:` in .github/wave.yml. Owned by the agents layer; every key has a documented default. */
export const agentsSection = z
  .object({
    planner: roleSchema("planner", { model: "claude-sonnet-5-5", max_tokens: 8_000 }).describe(
      "Gate 1: reads the repository summary and the story, answers a structured plan.",
    ),
    developer: roleSchema("developer", { model: "claude-sonnet-5-5", max_tokens: 8_000 }).describe(
      "Gate 3: the tool loop that edits code and runs commands in the sandbox.",
    ),
    reviewer: roleSchema("reviewer", { model: "claude-sonnet-5-5", max_tokens: 4_000 }).describe("Gate 6: reviews the final diff."),
    limits: z
      .object({
        max_turns: z
          .number()
          .int()
          .min(1)
          .max(500)
          .default(40)
          .describe("Model turns (requests) one developer run may take before it stops as unfinished."),
        max_wall_seconds: z
          .number()
          .int()
          .min(10)
          .max(6 * 3600)
          .default(1_800)
          .describe("Wall-clock seconds one developer run may take, model and tool time together."),
        max_tool_result_chars: z
          .number()
          .int()
          .min(1_000)
          .max(200_000)
          .default(20_000)
          .describe("Characters of one tool result sent back to the model; the middle of longer output is cut with a marker."),
        command_timeout_seconds: z
          .number()
          .int()
          .min(1)
          .max(3_600)
          .default(300)
          .describe("Seconds one sandbox command (a bash tool call) of the developer may run before it is killed."),
        test_timeout_seconds: z
          .number()
          .int()
          .min(10)
          .max(6 * 3600)
          .default(900)
          .describe("Seconds the test command may run at the verify gate."),
        max_failure_chars: z
          .number()
          .int()
          .min(1_000)
          .max(100_000)
          .default(8_000)
          .describe("Characters of failing test output handed to the developer's next turn (head and tail are kept)."),
        max_summary_chars: z
          .number()
          .int()
          .min(2_000)
          .max(400_000)
          .default(60_000)
          .describe("Characters of repository summary (tree, README, manifests, conventions) the planner reads."),
      })
      .strict()
      .prefault({})
      .describe("Limits on one developer run (one build, or one fix after a failed verify)."),
    api: z
      .object({
        request_timeout_seconds: z
          .number()
          .int()
          .min(5)
          .max(600)
          .default(300)
          .describe("Seconds before one model request is abandoned (and retried)."),
        max_retries: z
          .number()
          .int()
          .min(0)
          .max(10)
          .default(4)
          .describe("Retries the SDK makes on 408, 409, 429, 5xx and 529 overloaded, with backoff and `retry-after`."),
      })
      .strict()
      .prefault({})
      .describe("How the app talks to the Anthropic API."),
  })
  .strict()
  .prefault({})
  .describe("The models behind each agent role and the limits on their runs.");

export type AgentsConfig = z.infer<typeof agentsSection>;
export type AgentRole = "planner" | "developer" | "reviewer" | "scorer";
