import type { Octokit } from "@octokit/rest";
import type { RetryPolicy } from "./call-github.js";

/**
 * What the GitHub effects need from an Octokit: routed REST requests and GraphQL.
 * Probot's per-installation `context.octokit` and `@octokit/rest`'s `Octokit` both fit,
 * so the same code runs against GitHub.com and GitHub Enterprise Server.
 */
export type GitHubClient = Pick<Octokit, "request" | "graphql">;

/** One repository reached through one installation's client. */
export interface RepoContext {
  octokit: GitHubClient;
  owner: string;
  repo: string;
  /** How long and how often to wait out secondary rate limits; defaults suit a background job. */
  retry?: Partial<RetryPolicy>;
}
