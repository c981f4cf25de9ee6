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
      .describe(
        "How many iterations reviews may start on one story before it holds for a person (`/wave retry` lifts the hold); separately, how many times a base branch moving onto the change may send it back to build.",
      ),
  })
  .strict()
  .prefault({})
  .describe("Iterating on the open pull request: review feedback sends the story back to build on the same branch.");

export type IterateConfig = z.infer<typeof iterateSection>;

/** `ci_fix`: the repository's own checks failing on WAVE's PR head send the story back to build (docs/iteration.md). */
export const ciFixSection = z
  .object({
    max_attempts: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe(
        "How many fix iterations failing checks of other apps (GitHub Actions and the like) on WAVE's PR may start before the story holds naming them; 0 never starts one.",
      ),
    only_required: z
      .boolean()
      .default(true)
      .describe(
        "Only failing checks that branch protection or rulesets require for the base branch start a fix iteration; false also sends back failing checks nobody requires (they never block `wave/gates` either way).",
      ),
  })
  .strict()
  .prefault({})
  .describe("Fixing the repository's own CI when it fails on WAVE's pull request.");

export type CiFixConfig = z.infer<typeof ciFixSection>;
