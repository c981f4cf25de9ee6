import { z } from "zod";
import { repositoryRole } from "./story.js";

/**
 * `org_policy:` — what only the organisation decides. Read only from the organisation's
 * `.github` repository's `.github/wave.yml`; a repository's own file may tighten each
 * value (see src/config/org-policy.ts for each key's merge rule), never loosen it, and
 * may not carry this section at all.
 */
export const orgPolicySection = z
  .object({
    max_story_usd: z
      .number()
      .min(0)
      .max(10_000)
      .nullable()
      .default(null)
      .describe(
        "Organisation policy: the most any story may spend, in USD; a repository's `budget.story_cap_usd` above it is lowered to it. Null: no policy.",
      ),
    allowed_models: z
      .array(z.string().min(1))
      .min(1)
      .nullable()
      .default(null)
      .describe(
        "Organisation policy: the only model ids agents and the scorer may call; a repository naming another is an error. Null: any priced model.",
      ),
    forbidden_paths: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Organisation policy: path globs no story may change, added to every repository's `safety.forbidden_paths` (which can only add more).",
      ),
    min_labeler_permission: repositoryRole
      .exclude(["none"])
      .nullable()
      .default(null)
      .describe(
        "Organisation policy: the least role that may start a story; a repository's `labeler_permission` below it is raised to it. Null: no policy.",
      ),
  })
  .strict()
  .prefault({})
  .describe("What only the organisation decides, in its `.github` repository's file; repositories may tighten it, never loosen it.");

export type OrgPolicy = z.infer<typeof orgPolicySection>;
