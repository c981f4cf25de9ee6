import type { Octokit } from "@octokit/rest";
import { z } from "zod";
import { repositoryRoles, type RepositoryRole } from "../../config/sections/story.js";
import { WaveError } from "../../errors.js";
import { httpStatus } from "./github-error.js";

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
 * repository role counts as the base role GitHub reports for it.
 */
export async function fetchRepositoryRole(octokit: OctokitRequest, repository: RepositoryRef, username: string): Promise<RepositoryRole> {
  try {
    const response = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      owner: repository.owner,
      repo: repository.repo,
      username,
    });
    const body = permissionResponse.parse(response.data);
    return toRole(body.role_name) ?? toRole(body.permission) ?? "none";
  } catch (error) {
    if (httpStatus(error) === 404) return "none";
    throw new WaveError(`Could not read @${username}'s role on ${repository.owner}/${repository.repo}: ${describe(error)}.`, {
      hint: "Check that the WAVE app is installed on this repository with the Metadata (read) permission, then send the command again.",
      cause: error,
    });
  }
}

function toRole(name: string | undefined): RepositoryRole | undefined {
  if (name === undefined) return undefined;
  const lower = name.toLowerCase();
  return repositoryRoles.find((role) => role === lower) ?? legacy[lower];
}

export function describe(error: unknown): string {
  const status = httpStatus(error);
  if (status !== undefined) return `GitHub answered ${status}`;
  return error instanceof Error ? error.message : String(error);
}
