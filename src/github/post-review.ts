import { callGitHub } from "./call-github.js";
import { createOnce } from "./create-once.js";
import type { RepoContext } from "./client.js";
import { GitHubValidationFailed } from "./errors.js";

/** One finding anchored to a line of the PR's diff. */
export interface ReviewComment {
  path: string;
  /** The line in the file (RIGHT: after the change, LEFT: before). */
  line: number;
  side?: "LEFT" | "RIGHT";
  /** For a multi-line comment, the first line. */
  startLine?: number;
  body: string;
}

export interface PostReviewInput {
  pullNumber: number;
  /** The head SHA the review is about; comments anchor to its diff. */
  commitId: string;
  /** A hidden marker unique to this review, e.g. `<!-- wave:review=<story>:<sha> -->`; added to the body. */
  marker: string;
  body: string;
  comments: ReviewComment[];
  /**
   * True when the caller knows no earlier attempt can have sent this review (it won the
   * review's create claim): it is posted without listing the reviews first. Otherwise, and
   * after any ambiguous answer, the reviews are looked through for the marker.
   */
  firstAttempt?: boolean;
}

export interface PostReviewResult {
  reviewId: number;
  action: "created" | "existing";
  /** True when GitHub refused the line anchors and the findings went into the body instead. */
  inlined: boolean;
  requests: number;
}

const PAGE = 100;

function inlineFindings(comments: ReviewComment[]): string {
  const lines = comments.map(
    (c) => `- \`${c.path}:${c.startLine !== undefined ? `${c.startLine}-` : ""}${c.line}\`: ${c.body.replace(/\n+/g, " ")}`,
  );
  return `\n\n**Findings** (GitHub could not anchor them to the diff):\n\n${lines.join("\n")}`;
}

/**
 * Posts the reviewer agent's review once: a COMMENT review with line comments.
 * Idempotent by the marker in the body (reviews are listed first). When GitHub
 * refuses a line anchor (a line outside the diff), the review is posted with the
 * findings listed in its body, so nothing the reviewer found is lost.
 */
export async function postReview(ctx: RepoContext, input: PostReviewInput): Promise<PostReviewResult> {
  const { owner, repo } = ctx;
  let requests = 0;
  const find = async (): Promise<PostReviewResult | undefined> => {
    for (let page = 1; ; page++) {
      const listed = await callGitHub(
        () =>
          ctx.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
            owner,
            repo,
            pull_number: input.pullNumber,
            per_page: PAGE,
            page,
          }),
        ctx.retry,
      );
      requests++;
      const found = listed.data.find((review) => (review.body ?? "").includes(input.marker));
      if (found) return { reviewId: Number(found.id), action: "existing", inlined: false, requests };
      if (listed.data.length < PAGE) return undefined;
    }
  };
  const existing = input.firstAttempt ? undefined : await find();
  if (existing) return existing;
  const body = `${input.body}\n\n${input.marker}`;
  const comments = input.comments.map((c) => ({
    path: c.path,
    line: c.line,
    side: c.side ?? "RIGHT",
    ...(c.startLine !== undefined && c.startLine < c.line ? { start_line: c.startLine, start_side: c.side ?? "RIGHT" } : {}),
    body: c.body,
  }));
  // After an ambiguous answer the review may exist: look for its marker before sending again.
  const send = (withComments: boolean) =>
    createOnce(
      () => post(withComments),
      async () => {
        const found = await find();
        return found ? { id: found.reviewId } : undefined;
      },
    );
  const post = (withComments: boolean) =>
    callGitHub(
      () =>
        ctx.octokit.request("POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews", {
          owner,
          repo,
          pull_number: input.pullNumber,
          commit_id: input.commitId,
          event: "COMMENT",
          body: withComments ? body : `${input.body}${inlineFindings(input.comments)}\n\n${input.marker}`,
          ...(withComments && comments.length > 0 ? { comments } : {}),
        }),
      ctx.retry,
    ).then((r) => ({ id: Number(r.data.id) }));
  try {
    const created = await send(true);
    return { reviewId: created.id, action: "created", inlined: false, requests: requests + 1 };
  } catch (error) {
    if (!(error instanceof GitHubValidationFailed) || comments.length === 0) throw error;
    const created = await send(false);
    return { reviewId: created.id, action: "created", inlined: true, requests: requests + 2 };
  }
}
