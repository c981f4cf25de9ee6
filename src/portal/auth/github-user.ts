import { Octokit } from "@octokit/rest";

/** What a GitHub user token lets its holder read, as far as WAVE's installations go. */
export interface Visibility {
  login: string;
  /** Repository ids the person can read in installations of this app. */
  repoIds: Set<number>;
  /** Installation ids the person can see, with the account each belongs to. */
  installations: { id: number; account: string; type: "User" | "Organization" }[];
}

/**
 * Asks GitHub, with the person's own token, who they are and which of the
 * app's installations and repositories they can read (`GET /user/installations`
 * and its repositories). What a person sees in the portal is exactly this.
 */
export async function fetchVisibility(apiUrl: string, token: string): Promise<Visibility> {
  const octokit = new Octokit({ baseUrl: apiUrl, auth: token, request: { retries: 0 } });
  const user = await octokit.request("GET /user");
  const installations = await octokit.paginate("GET /user/installations", { per_page: 100 });
  const repoIds = new Set<number>();
  for (const installation of installations) {
    const repos = await octokit.paginate("GET /user/installations/{installation_id}/repositories", {
      installation_id: installation.id,
      per_page: 100,
    });
    for (const repo of repos) repoIds.add(repo.id);
  }
  return {
    login: user.data.login,
    repoIds,
    installations: installations.map((i) => {
      const account =
        i.account && "login" in i.account
          ? { login: i.account.login, type: i.account.type }
          : { login: i.account?.name ?? "", type: "Organization" };
      return { id: i.id, account: account.login, type: account.type === "User" ? ("User" as const) : ("Organization" as const) };
    }),
  };
}

/** Caches visibility per token for a short while, so a page view is not five GitHub calls. */
export function createVisibilityCache(apiUrl: string, ttlMs = 60_000, fetcher: typeof fetchVisibility = fetchVisibility) {
  const entries = new Map<string, { at: number; value: Promise<Visibility> }>();
  return {
    get(token: string): Promise<Visibility> {
      const now = Date.now();
      const hit = entries.get(token);
      if (hit && now - hit.at < ttlMs) return hit.value;
      const value = fetcher(apiUrl, token);
      // A failed lookup is not cached: the next request asks GitHub again.
      value.catch(() => entries.delete(token));
      entries.set(token, { at: now, value });
      if (entries.size > 5000) entries.delete(entries.keys().next().value as string);
      return value;
    },
    forget(token: string): void {
      entries.delete(token);
    },
  };
}
export type VisibilityCache = ReturnType<typeof createVisibilityCache>;
