import { createReadStream, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { callGitHub } from "../github/call-github.js";
import type { GitHubClient } from "../github/client.js";

/**
 * The repository at `sha` as GitHub's tarball, fetched by the app with the
 * installation token (never from inside the sandbox), kept in a local cache
 * keyed by commit so each gate of a story reuses one download.
 */
export async function baseTarball(octokit: GitHubClient, repo: { owner: string; repo: string }, sha: string, cacheDir: string): Promise<Readable> {
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${repo.owner}-${repo.repo}-${sha}.tar.gz`.replace(/[^A-Za-z0-9._-]/g, "_"));
  if (!existsSync(file)) {
    const res = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", { owner: repo.owner, repo: repo.repo, ref: sha }));
    const data = res.data as unknown;
    const bytes = data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as Uint8Array);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  }
  return createReadStream(file);
}

/** The base branch (configured, else the repository's default) and its head commit. */
export async function resolveBase(octokit: GitHubClient, repo: { owner: string; repo: string }, configured: string | null): Promise<{ branch: string; sha: string }> {
  let branch = configured;
  if (!branch) {
    const r = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}", repo));
    branch = r.data.default_branch;
  }
  const ref = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` }));
  return { branch, sha: ref.data.object.sha };
}
