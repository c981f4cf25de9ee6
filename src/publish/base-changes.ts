import { callGitHub } from "../github/call-github.js";
import type { RepoContext } from "../github/client.js";
import { GitHubNotFound } from "../github/errors.js";

/** The compare API lists at most 300 files; at that count the list may be cut. */
const COMPARE_FILE_CAP = 300;

/**
 * Which of `paths` changed between `fromSha` and `toSha` on the base branch. Uses the
 * compare API (one request); when that list may be cut, compares the two full trees
 * instead (two requests). Returns null when it cannot tell: the trees are too large,
 * or the plan's base commit is gone (the base branch was force-pushed).
 */
export async function changedSince(
  ctx: RepoContext,
  fromSha: string,
  toSha: string,
  paths: string[],
): Promise<{ conflicts: string[] | null; requests: number }> {
  const { owner, repo } = ctx;
  let compared;
  try {
    compared = await callGitHub(
      () =>
        ctx.octokit.request("GET /repos/{owner}/{repo}/compare/{basehead}", {
          owner,
          repo,
          basehead: `${fromSha}...${toSha}`,
          per_page: 1,
        }),
      ctx.retry,
    );
  } catch (error) {
    if (error instanceof GitHubNotFound) return { conflicts: null, requests: 1 };
    throw error;
  }
  const files = compared.data.files ?? [];
  const wanted = new Set(paths);
  if (files.length < COMPARE_FILE_CAP) {
    const hit = new Set<string>();
    for (const file of files) {
      if (wanted.has(file.filename)) hit.add(file.filename);
      if (file.previous_filename && wanted.has(file.previous_filename)) hit.add(file.previous_filename);
    }
    return { conflicts: [...hit].sort(), requests: 1 };
  }
  // One after the other: GitHub asks integrations not to send concurrent requests.
  const trees = [];
  for (const sha of [fromSha, toSha]) {
    trees.push(
      await callGitHub(
        () => ctx.octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { owner, repo, tree_sha: sha, recursive: "1" }),
        ctx.retry,
      ),
    );
  }
  if (trees.some((tree) => tree.data.truncated)) return { conflicts: null, requests: 3 };
  const [before, after] = trees.map(
    (tree) => new Map(tree.data.tree.map((entry) => [entry.path ?? "", `${entry.mode ?? ""} ${entry.sha ?? ""}`])),
  );
  const conflicts = paths.filter((path) => before?.get(path) !== after?.get(path)).sort();
  return { conflicts, requests: 3 };
}
