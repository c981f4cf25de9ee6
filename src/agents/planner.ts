import type { MessageParam, Tool } from "@anthropic-ai/sdk/resources/messages/messages.js";
import { transformJSONSchema } from "@anthropic-ai/sdk/lib/transform-json-schema";
import type { z } from "zod";
import { detectTestCommand } from "./detect-test-command.js";
import type { ModelDeps } from "./model-call.js";
import { planInputSchema, planSchema } from "./plan.js";
import type { Plan } from "./plan.js";
import { renderPlanMarkdown } from "./render-plan.js";
import { askForToolAnswer } from "./tool-answer.js";
import type { RepoSummary } from "./repo-summary.js";
import { quoteUntrusted, UNTRUSTED_NOTICE } from "./untrusted.js";

export const SUBMIT_PLAN_TOOL = "submit_plan";

export interface PlannerInput {
  story: { title: string; body: string };
  summary: RepoSummary;
  role: { model: string; max_tokens: number };
  /** `test_command` from .github/wave.yml, when set. */
  configuredTestCommand: string | null;
  /** Requests before the planner gives up on a plan that does not fit the schema. Default 2. */
  maxAttempts?: number;
}

export interface PlannerResult {
  plan: Plan;
  /** The plan rendered for the status comment. */
  markdown: string;
  requests: number;
  costUsd: number;
}

const SYSTEM = `You are the planner of WAVE, which turns a GitHub issue into a tested pull request.
Read the repository summary and the story, then call the ${SUBMIT_PLAN_TOOL} tool exactly once with a plan a developer agent can follow:
- steps: small, ordered, concrete (which file, which function, which test);
- files_in_scope: the repository-relative paths (or globs) the change needs, and nothing else;
- acceptance_criteria: checkable statements, including the tests that must pass;
- test_command_suggestion: the shell command that runs this repository's tests, or null;
- risks: what could break, and how the plan guards against it.
The developer works in a sandbox without network access: do not plan steps that download anything.
${UNTRUSTED_NOTICE}`;

/**
 * Gate 1: asks the model for a structured plan and validates it. The plan is
 * submitted through a strict tool the model is told to call (current models
 * reject a forced tool_choice, so the choice stays "auto" and a missing or
 * invalid submission gets one corrective turn).
 *
 * @throws ModelOutputInvalid when no valid plan arrives within `maxAttempts` requests.
 * @throws BudgetExceeded / ModelUnavailable from the metered call.
 */
export async function runPlanner(deps: ModelDeps, input: PlannerInput): Promise<PlannerResult> {
  const tool: Tool = {
    name: SUBMIT_PLAN_TOOL,
    description: "Submit the implementation plan for the story. Call exactly once.",
    // Strict tools accept a subset of JSON Schema; the SDK moves the rest (lengths, counts) into descriptions,
    // and planSchema enforces them on the answer.
    input_schema: { ...transformJSONSchema(planInputSchema()), type: "object" },
    strict: true,
    cache_control: { type: "ephemeral" },
  };
  const messages: MessageParam[] = [
    {
      role: "user",
      content: [
        { type: "text", text: `<repository_summary>\n${input.summary.text}</repository_summary>` },
        {
          type: "text",
          text: `${quoteUntrusted("untrusted_story", `# ${input.story.title}\n\n${input.story.body}`)}\n\nPlan this story, then call ${SUBMIT_PLAN_TOOL}.`,
        },
      ],
    },
  ];
  const { answer, requests, costUsd } = await askForToolAnswer(deps, {
    role: "planner",
    model: input.role,
    system: [{ type: "text", text: SYSTEM, cache_control: { type: "ephemeral" } }],
    tool,
    schema: planSchema,
    messages,
    what: "plan",
    ...(input.maxAttempts === undefined ? {} : { maxAttempts: input.maxAttempts }),
    hint: "`/wave retry` to plan again, or make the issue's description more specific.",
  });
  const plan = withTestCommand(answer, input);
  return { plan, markdown: renderPlanMarkdown(plan), requests, costUsd };
}

function withTestCommand(plan: z.infer<typeof planSchema>, input: PlannerInput): Plan {
  if (input.configuredTestCommand)
    return {
      ...plan,
      test_command: input.configuredTestCommand,
      test_command_source: "config",
      test_command_reason: "test_command in .github/wave.yml",
    };
  const detected = detectTestCommand(input.summary);
  if (detected) return { ...plan, test_command: detected.command, test_command_source: "detected", test_command_reason: detected.reason };
  return { ...plan, test_command: null, test_command_source: "none", test_command_reason: "no test configuration found" };
}
