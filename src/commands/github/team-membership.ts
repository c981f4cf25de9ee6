import { z } from "zod";
import { WaveError } from "../../errors.js";
import { httpStatus } from "./github-error.js";
import { describe, type OctokitRequest } from "./repository-role.js";

const membershipResponse = z.object({ state: z.string() });

/**
 * Whether `username` is an active member of a team
 * (`GET /orgs/{org}/teams/{team_slug}/memberships/{username}`; 404 means not
 * a member, and a pending invitation does not count).
 */
export async function fetchIsTeamMember(octokit: OctokitRequest, org: string, team: string, username: string): Promise<boolean> {
  try {
    const response = await octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
      org,
      team_slug: team,
      username,
    });
    return membershipResponse.parse(response.data).state === "active";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw new WaveError(`Could not check whether @${username} is in the ${org}/${team} team: ${describe(error)}.`, {
      hint: "Grant the WAVE app the organisation Members (read) permission, or remove the team from commands.permissions in .github/wave.yml.",
      cause: error,
    });
  }
}
