import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";
import { createOnce } from "./create-once.js";

/** Where a reply in a review thread goes: the PR and the thread's top comment. */
export interface ThreadReplyTarget {
  owner: string;
  repo: string;
  pullNumber: number;
  commentId: number;
}

const marker = (key: string) => `<!-- wave:thread-reply=${key} -->`;

/**
 * Replies once per `key` in a review comment's thread
 * (`POST …/pulls/{pull_number}/comments/{comment_id}/replies`). Find-before-create: the
 * PR's newest review comments are searched for the key's hidden marker first, so a
 * retried effect never answers a thread twice. `firstAttempt` (the caller won the reply's
 * create claim, `create_claims`) skips that look-up: no earlier attempt can have posted it.
 * After an ambiguous answer the marker is looked for either way.
 */
export async function replyInThreadOnce(
  octokit: GitHubClient,
  where: ThreadReplyTarget,
  key: string,
  body: string,
  firstAttempt = false,
): Promise<void> {
  const hidden = marker(key);
  const find = async (): Promise<number | undefined> => {
    const res = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/comments", {
        owner: where.owner,
        repo: where.repo,
        pull_number: where.pullNumber,
        sort: "created",
        direction: "desc",
        per_page: 100,
      }),
    );
    const found = res.data.find((c) => c.body.includes(hidden));
    return found ? Number(found.id) : undefined;
  };
  if (!firstAttempt && (await find()) !== undefined) return;
  await createOnce(
    async () =>
      Number(
        (
          await callGitHub(() =>
            octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies", {
              owner: where.owner,
              repo: where.repo,
              pull_number: where.pullNumber,
              comment_id: where.commentId,
              body: `${body.trimEnd()}\n${hidden}\n`,
            }),
          )
        ).data.id,
      ),
    find,
  );
}
