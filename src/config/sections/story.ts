import { z } from "zod";

export const repositoryRoles = ["none", "read", "triage", "write", "maintain", "admin"] as const;
export const repositoryRole = z.enum(repositoryRoles);
export type RepositoryRole = z.infer<typeof repositoryRole>;

/** The story-level keys at the top of .github/wave.yml. */
export const storyKeys = {
  /** The label that starts a story when put on an issue. */
  trigger_label: z.string().min(1).max(50).default("wave"),
  /** The least repository role the person who adds the label must have. */
  labeler_permission: repositoryRole.exclude(["none"]).default("write"),
  /** How many times a failing verify sends the story back to build before it holds. */
  max_recycles: z.number().int().min(0).max(20).default(3),
  /** Hold at the plan gate until a human approves the plan. */
  require_plan_approval: z.boolean().default(false),
  /** Domain labels: an issue label mapped to the path globs a story with that label may change. */
  domain_labels: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
  /** The command that runs the repository's tests in the sandbox; detected from the repository when unset. */
  test_command: z.string().min(1).nullable().default(null),
  /** The branch stories start from and open PRs against; the repository's default branch when unset. */
  base_branch: z.string().min(1).nullable().default(null),
  /** Open the PR as a draft until the review gate is satisfied. */
  draft_pr: z.boolean().default(true),
};
