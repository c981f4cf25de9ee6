import { createOnce } from "./create-once.js";
import { callGitHub } from "./call-github.js";
import type { RepoContext } from "./client.js";
import { GitHubNotFound, GitHubValidationFailed } from "./errors.js";
import { waveRef } from "./wave-ref.js";

export interface EnsurePullRequestInput {
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
  /** Open as a draft (config `draft_pr`); an existing PR's draft state is left as it is. */
  draft: boolean;
  /** The PR was opened before (the story stored its number): look for it first, since creating would only be refused. */
  opened?: boolean;
  /**
   * The PR's stored number: its title and body are written by number at once, one PATCH whose answer is the PR,
   * instead of listing the branch's open PRs first. Only an answer saying it is no longer open (or gone) falls back to
   * the look-up, which then opens a new one.
   */
  pullNumber?: number;
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
 * The story's one open PR from its branch. Found first when the story opened it before
 * (`opened`); else created first: GitHub itself refuses a second open PR
 * from the same head ("A pull request already exists"), so that refusal is the look-up, and the
 * found PR's title and body are updated only when they changed. After an ambiguous answer it is
 * looked for by its branch (`head=owner:branch`) before anything is sent again. Publishing twice
 * therefore yields one PR, and a first publish costs one request, not two.
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
  const toRef = (pr: Listed): PullRequestRef => ({
    number: pr.number,
    nodeId: pr.node_id,
    url: pr.html_url,
    draft: pr.draft ?? false,
    headSha: pr.head.sha,
  });
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
  const update = async (found: Listed): Promise<EnsurePullRequestResult> => {
    if (sameText(found.title, input.title) && sameText(found.body, input.body))
      return { pullRequest: toRef(found), action: "unchanged", requests };
    await call(() =>
      octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner,
        repo,
        pull_number: found.number,
        title: input.title,
        body: input.body,
      }),
    );
    return { pullRequest: toRef(found), action: "updated", requests };
  };
  const writeByNumber = async (pullNumber: number): Promise<Listed | undefined> => {
    try {
      const { data } = await call(() =>
        octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
          owner,
          repo,
          pull_number: pullNumber,
          title: input.title,
          body: input.body,
        }),
      );
      return data.state === "open" ? (data as unknown as Listed) : undefined;
    } catch (error) {
      if (error instanceof GitHubNotFound) return undefined;
      throw error;
    }
  };
  if (input.pullNumber !== undefined) {
    const written = await writeByNumber(input.pullNumber);
    if (written) return { pullRequest: toRef(written), action: "updated", requests };
  }
  if (input.opened) {
    const found = await find();
    if (found) return update(found);
  }
  let created: Listed;
  try {
    try {
      created = await create(input.draft);
    } catch (error) {
      // Drafts are not available on every plan; an open PR is better than none.
      if (!(input.draft && error instanceof GitHubValidationFailed && /draft/i.test(error.message))) throw error;
      created = await create(false);
    }
  } catch (error) {
    // The PR is already open (an earlier publish, or another run): bring its title and body in line.
    if (!(error instanceof GitHubValidationFailed) || !/already exists/i.test(error.message)) throw error;
    const found = await find();
    if (!found) throw error;
    return update(found);
  }
  return { pullRequest: toRef(created), action: "created", requests };
}
