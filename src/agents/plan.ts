import { z } from "zod";

/**
 * The planner's answer, as the model submits it through the `submit_plan`
 * tool. The same schema validates it and, as JSON Schema, tells the model its
 * shape.
 */
export const planSchema = z
  .object({
    /** One or two sentences: what will change and why. */
    summary: z.string().min(1).max(2_000).describe("One or two sentences: what will change and why."),
    /** Ordered steps the developer follows. */
    steps: z
      .array(
        z
          .object({
            title: z.string().min(1).max(200),
            detail: z.string().max(2_000),
          })
          .strict(),
      )
      .min(1)
      .max(30)
      .describe("Ordered, concrete steps: which file, which function, which test."),
    /** Repository-relative paths or globs the change may touch. */
    files_in_scope: z
      .array(z.string().min(1).max(300))
      .min(1)
      .max(100)
      .describe("Repository-relative paths or globs the change needs, and nothing else."),
    /** Checkable statements that are true once the story is done. */
    acceptance_criteria: z
      .array(z.string().min(1).max(500))
      .min(1)
      .max(30)
      .describe("Checkable statements that hold once the story is done."),
    /** The command the planner believes runs the tests; WAVE uses config or detection first. */
    test_command_suggestion: z
      .string()
      .max(300)
      .nullable()
      .describe("The shell command that runs this repository's tests, or null if unknown."),
    /** What could go wrong, and how the plan limits it. */
    risks: z.array(z.string().min(1).max(500)).max(20).describe("What could break, and how the plan guards against it."),
  })
  .strict();

export type ModelPlan = z.infer<typeof planSchema>;

/** Where the test command came from. */
export type TestCommandSource = "config" | "detected" | "none";

/** The plan as WAVE keeps it: the model's plan plus the test command WAVE will run. */
export interface Plan extends ModelPlan {
  test_command: string | null;
  test_command_source: TestCommandSource;
  /** Why this test command (e.g. "package.json scripts.test"). */
  test_command_reason: string;
}

/** JSON Schema of `planSchema`, for the tool's `input_schema`. */
export function planInputSchema(): { type: "object"; [k: string]: unknown } {
  const schema = z.toJSONSchema(planSchema, { target: "draft-2020-12" });
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return { ...rest, type: "object" };
}
