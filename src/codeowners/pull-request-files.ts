import { z } from "zod";
import { callGitHub } from "../github/call-github.js";
import type { RepoContext } from "../github/client.js";

const pullResponse = z.object({ base: z.object({ ref: z.string() }), head: z.object({ sha: z.string() }) });
const filesResponse = z.array(z.object({ filename: z.string(), previous_filename: z.string().optional() }));

/** GitHub lists at most 3,000 files of a pull request, 100 a page. */
const MAX_PAGES = 30;

/**
 * The pull request's base branch, head commit and changed paths (a rename
 * counts for its old path too, as GitHub's code-owner review does), read
 * through `callGitHub`.
 */
export async function pullRequestFiles(ctx: RepoContext, pullNumber: number): Promise<{ base: string; headSha: string; paths: string[] }> {
  const pull = pullResponse.parse(
    (
      await callGitHub(
        () =>
          ctx.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
            owner: ctx.owner,
            repo: ctx.repo,
            pull_number: pullNumber,
          }),
        ctx.retry,
      )
    ).data,
  );
  const paths = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const files = filesResponse.parse(
      (
        await callGitHub(
          () =>
            ctx.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
              owner: ctx.owner,
              repo: ctx.repo,
              pull_number: pullNumber,
              per_page: 100,
              page,
            }),
          ctx.retry,
        )
      ).data,
    );
    for (const file of files) {
      paths.add(file.filename);
      if (file.previous_filename) paths.add(file.previous_filename);
    }
    if (files.length < 100) break;
  }
  return { base: pull.base.ref, headSha: pull.head.sha, paths: [...paths].sort() };
}
