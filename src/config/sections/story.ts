import { z } from "zod";

export const repositoryRoles = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export const repositoryRole = z.enum(repositoryRoles);
export type RepositoryRole = z.infer<typeof repositoryRole>;

/**
 * The story-level keys at the top of .github/wave.yml. Each key's description
 * is what the JSON Schema and the configuration reference (docs/configuration.md) show.
 */
export const storyKeys = {
  trigger_label: z
    .string()
    .min(1)
    .max(50)
    .default("wave")
    .describe("The label that starts a story when added to an issue (compared case-insensitively)."),
  labeler_permission: repositoryRole
    .exclude(["none"])
    .default("write")
    .describe("The least repository role the person adding the trigger label must have; others get a one-line refusal."),
  max_recycles: z
    .number()
    .int()
    .min(0)
    .max(20)
    .default(3)
    .describe("How many times failing tests send the story back to build before it holds for a human."),
  require_plan_approval: z.boolean().default(false).describe("Hold at the plan gate until a human approves the plan with `/wave approve`."),
  domain_labels: z
    .record(z.string(), z.array(z.string().min(1)).min(1))
    .default({})
    .describe("Issue labels mapped to the path globs a story carrying that label may change, e.g. `{frontend: ['web/**']}`."),
  test_command: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe("The command that runs the repository's tests in the sandbox; detected from the repository when null."),
  base_branch: z
    .string()
    .min(1)
    .nullable()
    .default(null)
    .describe("The branch stories start from and open pull requests against; the repository's default branch when null."),
  draft_pr: z.boolean().default(true).describe("Open the pull request as a draft until the review gate is satisfied."),
};
