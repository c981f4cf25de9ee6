import { callGitHub } from "../github/call-github.js";
import type { RepoContext } from "../github/client.js";
import { GitHubNotFound } from "../github/errors.js";

/** The raw text of one file at one commit (the default branch without `ref`), or null when the file is not there. */
export async function readFileAt(ctx: RepoContext, path: string, ref?: string): Promise<string | null> {
  try {
    const res = await callGitHub(
      () =>
        ctx.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
          owner: ctx.owner,
          repo: ctx.repo,
          path,
          ...(ref ? { ref } : {}),
          mediaType: { format: "raw" },
        }),
      ctx.retry,
    );
    return typeof res.data === "string"
      ? res.data
      : Buffer.from(String((res.data as { content?: string }).content ?? ""), "base64").toString("utf8");
  } catch (error) {
    if (error instanceof GitHubNotFound) return null;
    throw error;
  }
}
