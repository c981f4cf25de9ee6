import { z } from "zod";
import { callGitHub } from "../../github/call-github.js";
import { GitHubNotFound } from "../../github/errors.js";
import { lookupPolicy } from "./lookup-policy.js";
import { withMembersPermission } from "./organisation-owner.js";
import type { OctokitRequest } from "./repository-role.js";

const membershipResponse = z.object({ state: z.string() });

/**
 * Whether `username` is an active member of a team
 * (`GET /orgs/{org}/teams/{team_slug}/memberships/{username}`; 404 means not
 * a member or no such team, and a pending invitation does not count).
 */
export async function fetchIsTeamMember(octokit: OctokitRequest, org: string, team: string, username: string): Promise<boolean> {
  try {
    const response = await callGitHub(
      () => octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org, team_slug: team, username }),
      lookupPolicy,
    );
    return membershipResponse.parse(response.data).state === "active";
  } catch (error) {
    if (error instanceof GitHubNotFound) return false;
    throw withMembersPermission(error);
  }
}
