import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { pipeline } from "node:stream/promises";
import type { DiskCache } from "../cache/index.js";
import { RepositoryTooLarge } from "../errors.js";
import { callGitHub } from "../github/call-github.js";
import type { GitHubClient } from "../github/client.js";

/** Where the tarball comes from and how big it may be. */
export interface TarballSource {
  owner: string;
  repo: string;
  sha: string;
  /** `sandbox.tarball_mb`: the largest tarball downloaded, in MiB. */
  capMb: number;
}

/** The cache key of a commit's tarball; owner and name are case-insensitive on GitHub. */
export function tarballKey(source: Pick<TarballSource, "owner" | "repo" | "sha">): string {
  return `tarball:${source.owner.toLowerCase()}/${source.repo.toLowerCase()}@${source.sha}`;
}

/** Passes bytes through until more than `capBytes` went by, then fails with `tooLarge(bytesSeen)`. */
function byteCap(capBytes: number, tooLarge: (bytes: number) => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > capBytes) callback(tooLarge(seen));
      else callback(null, chunk);
    },
  });
}

/**
 * The repository at `sha` as GitHub's tarball, fetched by the app with the installation token
 * (never from inside the sandbox) and streamed to the host's disk cache, never held whole in
 * memory: each gate of a story, and every replica on the host, reuses one download until the
 * cache evicts it. A tarball over `capMb` is refused with `RepositoryTooLarge` (from GitHub's
 * declared length when it sends one, else as soon as the stream passes the cap) and nothing of
 * it is kept.
 */
export async function baseTarball(octokit: GitHubClient, cache: DiskCache, source: TarballSource): Promise<Readable> {
  const { owner, repo, sha } = source;
  const capBytes = source.capMb * 1_048_576;
  const tooLarge = (bytes: number, exact: boolean) => new RepositoryTooLarge(`${owner}/${repo}`, sha, bytes, exact, source.capMb);
  const { stream } = await cache.openOrPut(tarballKey(source), async (tmpPath) => {
    const res = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/tarball/{ref}", { owner, repo, ref: sha, request: { parseSuccessResponseBody: false } }),
    );
    // With parsing off, Octokit hands over fetch's body unread: a web stream, or null when empty.
    const body = res.data as unknown as WebReadableStream<Uint8Array> | null;
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > capBytes) {
      await body?.cancel();
      throw tooLarge(declared, true);
    }
    const input = body ? Readable.fromWeb(body) : Readable.from([]);
    await pipeline(
      input,
      byteCap(capBytes, (seen) => tooLarge(seen, false)),
      createWriteStream(tmpPath),
    );
  });
  return stream;
}

/** The base branch (configured, else the repository's default) and its head commit. */
export async function resolveBase(
  octokit: GitHubClient,
  repo: { owner: string; repo: string },
  configured: string | null,
): Promise<{ branch: string; sha: string }> {
  let branch = configured;
  if (!branch) {
    const r = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}", repo));
    branch = r.data.default_branch;
  }
  const ref = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { ...repo, ref: `heads/${branch}` }));
  return { branch, sha: ref.data.object.sha };
}
