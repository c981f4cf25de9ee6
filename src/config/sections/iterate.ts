import { z } from "zod";

/**
 * `iterate`: how WAVE answers what happens on its open pull request (docs/iteration.md).
 * A changes-requested review from a person allowed to `/wave recycle` always sends the
 * story back to build; these keys widen or bound that.
 */
export const iterateSection = z
  .object({
    reviews: z
      .object({
        commented: z
          .boolean()
          .default(false)
          .describe("Also iterate on a `commented` review that has line comments (a changes-requested review always iterates)."),
      })
      .strict()
      .prefault({})
      .describe("Which pull request reviews send the story back to build."),
    max_iterations: z
      .number()
      .int()
      .min(1)
      .max(50)
      .default(5)
      .describe("How many iterations reviews may start on one story before it holds for a person (`/wave retry` lifts the hold)."),
  })
  .strict()
  .prefault({})
  .describe("Iterating on the open pull request: review feedback sends the story back to build on the same branch.");

export type IterateConfig = z.infer<typeof iterateSection>;
