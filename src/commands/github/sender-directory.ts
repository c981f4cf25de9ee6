import type { RepositoryRole } from "../../config/sections/story.js";
import { fetchIsOwner, type RepositoryOwner } from "./organisation-owner.js";
import { fetchRepositoryRole, type OctokitRequest, type RepositoryRef } from "./repository-role.js";
import { fetchIsTeamMember } from "./team-membership.js";
import { createTtlCache } from "./ttl-cache.js";

/**
 * Cached answers to "who is this sender", shared by every repository one
 * process serves. The TTL is passed per call because it comes from each
 * repository's config (`commands.role_cache_seconds`). Failures are not
 * cached; "no role" (a 404) is.
 */
export interface SenderDirectory {
  role(octokit: OctokitRequest, repository: RepositoryRef, login: string, ttlSeconds: number): Promise<RepositoryRole>;
  isOwner(octokit: OctokitRequest, owner: RepositoryOwner, login: string, ttlSeconds: number): Promise<boolean>;
  isTeamMember(octokit: OctokitRequest, org: string, team: string, login: string, ttlSeconds: number): Promise<boolean>;
  clear(): void;
}

export function createSenderDirectory(options: { maxEntries?: number; now?: () => number } = {}): SenderDirectory {
  const cache = createTtlCache<RepositoryRole | boolean>(options);
  async function cached<V extends RepositoryRole | boolean>(key: string, ttlSeconds: number, load: () => Promise<V>): Promise<V> {
    const hit = cache.get(key.toLowerCase(), ttlSeconds * 1000);
    if (hit !== undefined) return hit as V;
    const value = await load();
    if (ttlSeconds > 0) cache.set(key.toLowerCase(), value);
    return value;
  }
  return {
    role: (octokit, repository, login, ttl) =>
      cached(`role ${repository.owner}/${repository.repo} ${login}`, ttl, () => fetchRepositoryRole(octokit, repository, login)),
    isOwner: (octokit, owner, login, ttl) =>
      cached(`owner ${owner.type} ${owner.login} ${login}`, ttl, () => fetchIsOwner(octokit, owner, login)),
    isTeamMember: (octokit, org, team, login, ttl) =>
      cached(`team ${org}/${team} ${login}`, ttl, () => fetchIsTeamMember(octokit, org, team, login)),
    clear: () => cache.clear(),
  };
}
