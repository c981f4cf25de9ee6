import type { Octokit } from "@octokit/rest";
import { z } from "zod";
import { repositoryRoles, type RepositoryRole } from "../../config/sections/story.js";
import { callGitHub } from "../../github/call-github.js";
import { GitHubNotFound } from "../../github/errors.js";
import { lookupPolicy } from "./lookup-policy.js";

/** Only `request` is used, so any Octokit (Probot's included) fits. */
export type OctokitRequest = Pick<Octokit, "request">;

export interface RepositoryRef {
  owner: string;
  repo: string;
}

const permissionResponse = z.object({
  permission: z.string(),
  role_name: z.string().optional(),
});

// The legacy names some GitHub versions still answer with.
const legacy: Readonly<Record<string, RepositoryRole>> = { pull: "read", push: "write" };

/**
 * A user's role on a repository, from
 * `GET /repos/{owner}/{repo}/collaborators/{username}/permission`.
 * A 404 (outside users, bots, unknown logins) means no role. A custom
 * repository role counts as the base role GitHub reports for it. Other
 * failures are thrown as the named GitHub errors of `callGitHub`.
 */
export async function fetchRepositoryRole(octokit: OctokitRequest, repository: RepositoryRef, username: string): Promise<RepositoryRole> {
  try {
    const response = await callGitHub(
      () =>
        octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
          owner: repository.owner,
          repo: repository.repo,
          username,
        }),
      lookupPolicy,
    );
    const body = permissionResponse.parse(response.data);
    return toRole(body.role_name) ?? toRole(body.permission) ?? "none";
  } catch (error) {
    if (error instanceof GitHubNotFound) return "none";
    throw error;
  }
}

function toRole(name: string | undefined): RepositoryRole | undefined {
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  return repositoryRoles.find((role) => role === lower) ?? legacy[lower];
}
