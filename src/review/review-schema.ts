import { z } from "zod";

/**
 * The reviewer's answer, as the model submits it through the `submit_review`
 * tool. The same schema validates it and, as JSON Schema, tells the model its shape.
 */
export const reviewSchema = z
  .object({
    verdict: z
      .enum(["looks_right", "needs_changes"])
      .describe("looks_right when the diff does what the plan and the acceptance criteria ask; needs_changes otherwise."),
    summary: z.string().min(1).max(4_000).describe("Two to five sentences for the human who approves: what the change does and how well."),
    criteria: z
      .array(
        z
          .object({
            criterion: z.string().min(1).max(500),
            met: z.boolean(),
            note: z.string().max(500),
          })
          .strict(),
      )
      .max(30)
      .describe("Each acceptance criterion, whether the diff meets it, and why."),
    findings: z
      .array(
        z
          .object({
            path: z.string().min(1).max(300).describe("Repository-relative path of a file in the diff."),
            line: z.number().int().min(1).describe("Line number in the new version of the file; it must be a line shown in the diff."),
            severity: z.enum(["blocker", "major", "minor", "nit"]),
            body: z.string().min(1).max(2_000).describe("What is wrong and what to do instead."),
          })
          .strict(),
      )
      .max(30)
      .describe("Problems worth a line comment; empty when there are none."),
  })
  .strict();

export type Review = z.infer<typeof reviewSchema>;
export type ReviewFinding = Review["findings"][number];

/** JSON Schema of `reviewSchema`, for the tool's `input_schema`. */
export function reviewInputSchema(): { type: "object"; [k: string]: unknown } {
  const schema = z.toJSONSchema(reviewSchema, { target: "draft-2020-12" });
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return { ...rest, type: "object" };
}
