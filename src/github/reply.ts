import { callGitHub } from "./call-github.js";
import { createOnce } from "./create-once.js";
import type { GitHubClient } from "./client.js";
import { findCommentByMarker } from "./find-comment.js";

function replyMarker(key: string): string {
  return `<!-- wave:reply=${key} -->`;
}

/**
 * Posts a reply once per `key`: looks for the key's hidden marker among the
 * newest comments first, so a retried job does not post the same reply twice.
 */
export async function postReplyOnce(
  octokit: GitHubClient,
  where: { owner: string; repo: string; issueNumber: number },
  key: string,
  body: string,
): Promise<void> {
  const marker = replyMarker(key);
  // Retries happen within hours; comments since yesterday are enough to look through.
  const since = new Date(Date.now() - 24 * 3600_000).toISOString();
  const find = async () => (await findCommentByMarker(octokit, where, marker, { since })) ?? undefined;
  if ((await find()) !== undefined) return;
  await createOnce(
    async () =>
      Number(
        (
          await callGitHub(() =>
            octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
              owner: where.owner,
              repo: where.repo,
              issue_number: where.issueNumber,
              body: `${body.trimEnd()}\n${marker}\n`,
            }),
          )
        ).data.id,
      ),
    find,
  );
}
