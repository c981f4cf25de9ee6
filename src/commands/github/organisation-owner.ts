import { z } from "zod";
import { callGitHub } from "../../github/call-github.js";
import { GitHubNotFound, GitHubPermissionMissing } from "../../github/errors.js";
import { lookupPolicy } from "./lookup-policy.js";
import type { OctokitRequest } from "./repository-role.js";

/** The account owning a repository, as webhook payloads describe it. */
export interface RepositoryOwner {
  login: string;
  type: "User" | "Organization";
}

const membershipResponse = z.object({ state: z.string(), role: z.string() });

/** The app permission the organisation membership endpoints need. */
export const membersPermission = "Organization members: read-only";

/**
 * Whether `username` owns the repository's account: for an organisation, an
 * active membership with the `admin` role
 * (`GET /orgs/{org}/memberships/{username}`; 404 means not a member); for a
 * user's repository, that user, with no call.
 */
export async function fetchIsOwner(octokit: OctokitRequest, owner: RepositoryOwner, username: string): Promise<boolean> {
  if (owner.type === "User") return owner.login.toLowerCase() === username.toLowerCase();
  try {
    const response = await callGitHub(
      () => octokit.request("GET /orgs/{org}/memberships/{username}", { org: owner.login, username }),
      lookupPolicy,
    );
    const body = membershipResponse.parse(response.data);
    return body.state === "active" && body.role === "admin";
  } catch (error) {
    if (error instanceof GitHubNotFound) return false;
    throw withMembersPermission(error);
  }
}

/** A 403 here always means the same missing permission; name it rather than GitHub's generic text. */
export function withMembersPermission(error: unknown): unknown {
  if (!(error instanceof GitHubPermissionMissing)) return error;
  const { status, route, requestId, githubMessage } = error;
  return new GitHubPermissionMissing(membersPermission, { status, route, requestId, githubMessage }, { cause: error });
}
