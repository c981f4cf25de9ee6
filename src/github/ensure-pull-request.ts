import { createOnce } from "./create-once.js";
import { callGitHub } from "./call-github.js";
import type { RepoContext } from "./client.js";
import { GitHubValidationFailed } from "./errors.js";
import { waveRef } from "./wave-ref.js";

export interface EnsurePullRequestInput {
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
  /** Open as a draft (config `draft_pr`); an existing PR's draft state is left as it is. */
  draft: boolean;
}

export interface PullRequestRef {
  number: number;
  /** GraphQL id, for `markPullRequestReadyForReview`. */
  nodeId: string;
  url: string;
  draft: boolean;
  headSha: string;
}

export interface EnsurePullRequestResult {
  pullRequest: PullRequestRef;
  action: "created" | "updated" | "unchanged";
  requests: number;
}

/** GitHub stores bodies with CRLF when edited in the browser; compare them line-ending blind. */
function sameText(a: string | null | undefined, b: string): boolean {
  return (a ?? "").replace(/\r\n/g, "\n").trim() === b.replace(/\r\n/g, "\n").trim();
}

/**
 * The story's one open PR from its branch: found first (`head=owner:branch`), created
 * when missing, its title and body updated only when they changed. Publishing twice
 * therefore yields one PR.
 */
export async function ensurePullRequest(ctx: RepoContext, input: EnsurePullRequestInput): Promise<EnsurePullRequestResult> {
  waveRef(input.branch);
  const { owner, repo, octokit } = ctx;
  let requests = 0;
  const call = <T>(fn: () => Promise<T>) => {
    requests++;
    return callGitHub(fn, ctx.retry);
  };
  const find = async () =>
    (
      await call(() =>
        octokit.request("GET /repos/{owner}/{repo}/pulls", { owner, repo, head: `${owner}:${input.branch}`, state: "open", per_page: 1 }),
      )
    ).data[0];

  type Listed = NonNullable<Awaited<ReturnType<typeof find>>>;
  const found = await find();
  if (found) {
    const ref: PullRequestRef = {
      number: found.number,
      nodeId: found.node_id,
      url: found.html_url,
      draft: found.draft ?? false,
      headSha: found.head.sha,
    };
    if (sameText(found.title, input.title) && sameText(found.body, input.body)) return { pullRequest: ref, action: "unchanged", requests };
    await call(() =>
      octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner,
        repo,
        pull_number: found.number,
        title: input.title,
        body: input.body,
      }),
    );
    return { pullRequest: ref, action: "updated", requests };
  }
  // After an ambiguous answer the PR may exist: look for it by its branch before sending again.
  const create = (draft: boolean) =>
    createOnce(
      async () =>
        (
          await call(() =>
            octokit.request("POST /repos/{owner}/{repo}/pulls", {
              owner,
              repo,
              head: input.branch,
              base: input.baseBranch,
              title: input.title,
              body: input.body,
              draft,
              maintainer_can_modify: false,
            }),
          )
        ).data as Listed,
      find,
    );
  try {
    let created;
    try {
      created = await create(input.draft);
    } catch (error) {
      // Drafts are not available on every plan; an open PR is better than none.
      if (!(input.draft && error instanceof GitHubValidationFailed && /draft/i.test(error.message))) throw error;
      created = await create(false);
    }
    return {
      pullRequest: {
        number: created.number,
        nodeId: created.node_id,
        url: created.html_url,
        draft: created.draft ?? false,
        headSha: created.head.sha,
      },
      action: "created",
      requests,
    };
  } catch (error) {
    // Another run opened it between our look-up and our create.
    if (!(error instanceof GitHubValidationFailed) || !/already exists/i.test(error.message)) throw error;
    const again = await find();
    if (!again) throw error;
    return {
      pullRequest: {
        number: again.number,
        nodeId: again.node_id,
        url: again.html_url,
        draft: again.draft ?? false,
        headSha: again.head.sha,
      },
      action: "unchanged",
      requests,
    };
  }
}
