import { fetchIsTeamMember } from "../commands/github/team-membership.js";
import type { OctokitRequest } from "../commands/github/repository-role.js";
import type { OwnedPath } from "./coverage.js";
import type { Owner } from "./parse-codeowners.js";

/**
 * The paths among `owned` that `login` owns: named as `@login`, or an active
 * member of a named team (asked once per team through
 * `GET /orgs/{org}/teams/{team_slug}/memberships/{username}`).
 */
export async function pathsOwnedBy(octokit: OctokitRequest, login: string, owned: readonly OwnedPath[]): Promise<string[]> {
  const teams = new Map<string, boolean>();
  const isOwner = async (owner: Owner): Promise<boolean> => {
    if (owner.kind === "user") return owner.login.toLowerCase() === login.toLowerCase();
    if (owner.kind !== "team") return false;
    const key = `${owner.org.toLowerCase()}/${owner.slug}`;
    if (!teams.has(key)) teams.set(key, await fetchIsTeamMember(octokit, owner.org, owner.slug, login));
    return teams.get(key) === true;
  };
  const mine: string[] = [];
  for (const item of owned) {
    // Users first: a named user needs no API call.
    const ordered = [...item.owners].sort((a, b) => (a.kind === "user" ? -1 : 0) - (b.kind === "user" ? -1 : 0));
    for (const owner of ordered) {
      if (await isOwner(owner)) {
        mine.push(item.path);
        break;
      }
    }
  }
  return mine;
}
