import { z } from "zod";
import { WaveError } from "../../errors.js";
import { httpStatus } from "./github-error.js";
import { describe, type OctokitRequest } from "./repository-role.js";

/** The account owning a repository, as webhook payloads describe it. */
export interface RepositoryOwner {
  login: string;
  type: "User" | "Organization";
}

const membershipResponse = z.object({ state: z.string(), role: z.string() });

/**
 * Whether `username` owns the repository's account: for an organisation, an
 * active membership with the `admin` role
 * (`GET /orgs/{org}/memberships/{username}`; 404 means not a member); for a
 * user's repository, that user.
 */
export async function fetchIsOwner(octokit: OctokitRequest, owner: RepositoryOwner, username: string): Promise<boolean> {
  if (owner.type === "User") return owner.login.toLowerCase() === username.toLowerCase();
  try {
    const response = await octokit.request("GET /orgs/{org}/memberships/{username}", { org: owner.login, username });
    const body = membershipResponse.parse(response.data);
    return body.state === "active" && body.role === "admin";
  } catch (error) {
    if (httpStatus(error) === 404) return false;
    throw new WaveError(`Could not check whether @${username} owns the ${owner.login} organisation: ${describe(error)}.`, {
      hint: "Grant the WAVE app the organisation Members (read) permission in its settings and accept it for the organisation, then send the command again.",
      cause: error,
    });
  }
}
