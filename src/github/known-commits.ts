import { callGitHub } from "./call-github.js";
import type { RepoContext } from "./client.js";

/** What publishing needs of a commit: its tree, its parents and its message (for the `Wave-Story:` trailer). */
export interface KnownCommit {
  tree: string;
  parents: string[];
  message: string;
}

/** Enough for every story a replica publishes between restarts; the oldest entry goes first. */
const MAX_ENTRIES = 2_000;
const known = new Map<string, KnownCommit>();
const keyOf = (ctx: RepoContext, sha: string) => `${ctx.owner}/${ctx.repo}@${sha}`;

/**
 * Remembers a commit WAVE just created or read. A git commit never changes (its sha is its
 * content), so nothing remembered can be stale: a miss (another replica, a restart) only costs the
 * read it would have made anyway.
 */
export function rememberCommit(ctx: RepoContext, sha: string, commit: KnownCommit): void {
  known.delete(keyOf(ctx, sha));
  known.set(keyOf(ctx, sha), commit);
  for (const oldest of known.keys()) {
    if (known.size <= MAX_ENTRIES) break;
    known.delete(oldest);
  }
}

/**
 * The commit `sha` (`GET …/git/commits/{sha}`), from memory when this replica created or read it
 * before: an iteration publishes on the head WAVE published last, on a base commit it read then.
 * `onRequest` is called for each request made, for the caller's count.
 */
export async function readCommit(ctx: RepoContext, sha: string, onRequest: () => void = () => undefined): Promise<KnownCommit> {
  const hit = known.get(keyOf(ctx, sha));
  if (hit) return hit;
  onRequest();
  const { data } = await callGitHub(
    () => ctx.octokit.request("GET /repos/{owner}/{repo}/git/commits/{commit_sha}", { owner: ctx.owner, repo: ctx.repo, commit_sha: sha }),
    ctx.retry,
  );
  const commit = { tree: data.tree.sha, parents: data.parents.map((p) => p.sha), message: data.message };
  rememberCommit(ctx, sha, commit);
  return commit;
}
