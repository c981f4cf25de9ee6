import { WaveError } from "../errors.js";
import { callGitHub } from "./call-github.js";
import { createOnce } from "./create-once.js";
import { readCommit, rememberCommit } from "./known-commits.js";
import type { RepoContext } from "./client.js";
import { GitHubNotFound, GitHubValidationFailed } from "./errors.js";
import { waveRef } from "./wave-ref.js";
import type { ChangedFile } from "../sandbox/runner.js";
import { changedSince } from "../publish/base-changes.js";
import { blobContent, touchedPaths } from "../publish/blob-content.js";
import { gitBlobSha } from "../publish/git-blob-sha.js";
import { BranchTakenOver, EmptyChange, PublishConflict } from "../publish/errors.js";
import { treeEntries } from "../publish/tree-entries.js";

export interface PublishChangeInput {
  storyId: string;
  /** `wave/<issue>-<slug>` (see `storyBranch`); anything outside `wave/` is refused. */
  branch: string;
  baseBranch: string;
  /** The commit the sandbox's workspace was made from. */
  planBaseSha: string;
  files: ChangedFile[];
  /** The commit message's subject and body; a `Wave-Story:` trailer is added. */
  message: string;
  /**
   * Overwrite the branch even when its head is a commit WAVE did not make (no
   * `Wave-Story:` trailer; an earlier story on the same issue counts as WAVE's). Default false.
   */
  overwriteOthers?: boolean;
  /**
   * The head WAVE published last (an iteration on the open PR). When the branch still
   * stands there and the base has not moved, the new commit goes on top of it, a
   * fast-forward, so a reviewer sees what changed since their review; otherwise the
   * change is one commit on the base head as usual.
   */
  onTopOf?: string | null;
  /**
   * The base branch head the `onTopOf` commit sat on (pr-facts' publishedBaseSha; `planBaseSha`
   * when unknown). When the base head is newer, the new commit is a merge of `onTopOf` and the base
   * head: the reviewed commits stay in the branch's history, nothing is forced, and the PR's diff
   * against the new base shows only the change.
   */
  lastBaseSha?: string | null;
  /**
   * A head somebody else pushed that the change was built on (the workspace held its files): when the
   * branch still stands there, the commit goes on top of it, a fast-forward that keeps their commits.
   * Any other head of theirs still raises `BranchTakenOver`.
   */
  builtOnHead?: string | null;
  /**
   * The story has no PR and published nothing yet: the branch is created first and looked at
   * only when GitHub answers that it already exists (a crash after an earlier try, or a branch
   * somebody else made), which saves the look-up in the common case.
   */
  firstPublish?: boolean;
}

export interface PublishChangeResult {
  branch: string;
  commitSha: string;
  treeSha: string;
  /** The base branch head the commit sits on. */
  parentSha: string;
  /** The new commit's parents: the base head, the head it stacks on, or both (a merge of a moved base). */
  parents: string[];
  /** True when the base branch had moved past `planBaseSha` and the tree was rebuilt on its head. */
  rebased: boolean;
  outcome: "created" | "updated" | "unchanged";
  requests: number;
}

function trailer(storyId: string): string {
  return `Wave-Story: ${storyId}`;
}

/**
 * Publishes the sandbox's change as one commit on the base branch's head, on WAVE's
 * own branch, through the Git Data API (so GitHub signs it and workflows run).
 *
 * Idempotent: a branch whose head already has this tree on this parent is left alone;
 * a branch with other content is moved (force, and only under `refs/heads/wave/`), except
 * that a commit stacked on the head WAVE published last (or on a person's head it was built
 * on) is a fast-forward, never forced; when the base moved since that head, the new commit
 * merges the base head in (see `lastBaseSha`).
 * When the base branch moved since the plan, the change is rebuilt on its new head
 * unless a file it touches also changed there, which raises `PublishConflict` naming
 * the paths.
 */
export async function publishChange(ctx: RepoContext, input: PublishChangeInput): Promise<PublishChangeResult> {
  const ref = waveRef(input.branch);
  const branchRef = ref.slice("refs/".length);
  const { owner, repo, octokit } = ctx;
  let requests = 0;
  const call = <T>(fn: () => Promise<T>) => {
    requests++;
    return callGitHub(fn, ctx.retry);
  };

  const baseHead = (
    await call(() => octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner, repo, ref: `heads/${input.baseBranch}` }))
  ).data.object.sha;
  const rebased = baseHead !== input.planBaseSha;
  if (rebased) {
    const { conflicts, requests: used } = await changedSince(ctx, input.planBaseSha, baseHead, touchedPaths(input.files));
    requests += used;
    if (conflicts === null || conflicts.length > 0) throw new PublishConflict(conflicts ?? [], input.baseBranch, baseHead);
  }
  // Commits never change: one this replica read or made before is not read again (known-commits.ts).
  const baseTree = (await readCommit(ctx, baseHead, () => requests++)).tree;

  type Existing = { sha: string; tree: string; parents: string[]; ours: boolean };
  const lookUp = async (): Promise<Existing | undefined> => {
    try {
      const head = (await call(() => octokit.request("GET /repos/{owner}/{repo}/git/ref/{ref}", { owner, repo, ref: branchRef }))).data
        .object.sha;
      const commit = await readCommit(ctx, head, () => requests++);
      return { sha: head, tree: commit.tree, parents: commit.parents, ours: /^Wave-Story: \S+$/m.test(commit.message) };
    } catch (error) {
      if (!(error instanceof GitHubNotFound)) throw error;
      return undefined;
    }
  };
  const existing: Existing | undefined = input.firstPublish ? undefined : await lookUp();

  // Identical contents make one blob; git addresses blobs by content anyway.
  const blobShas = new Map<string, string>();
  const byContent = new Map<string, string>();
  for (const file of input.files) {
    if (file.status === "deleted" || !file.content) continue;
    const body = blobContent(file.content, file.binary);
    const key = `${body.encoding}:${body.content}`;
    let sha = byContent.get(key);
    if (!sha) {
      sha = (await call(() => octokit.request("POST /repos/{owner}/{repo}/git/blobs", { owner, repo, ...body }))).data.sha;
      // Git names a blob by its bytes: a different name means GitHub stored different bytes.
      if (sha !== gitBlobSha(file.content)) {
        throw new WaveError(`GitHub stored ${file.path} with different bytes than the workspace has (blob ${sha}).`, {
          hint: "Nothing was committed. This is a bug in WAVE's encoding of the file; please report it with the file's type.",
        });
      }
      byContent.set(key, sha);
    }
    blobShas.set(file.path, sha);
  }
  const tree = (
    await call(() =>
      octokit.request("POST /repos/{owner}/{repo}/git/trees", {
        owner,
        repo,
        base_tree: baseTree,
        tree: treeEntries(input.files, blobShas),
      }),
    )
  ).data.sha;

  // A PR with no difference cannot be opened, and a commit that changes nothing helps nobody.
  if (tree === baseTree) throw new EmptyChange(input.baseBranch);

  // The head to stack on, when there is one (see `onTopOf` and `builtOnHead`).
  const stackOn =
    existing && ((existing.ours && existing.sha === input.onTopOf) || (input.builtOnHead && existing.sha === input.builtOnHead))
      ? existing.sha
      : null;
  // That head sat on an older base: merge the base head in, or the PR would show the base's changes as WAVE's.
  const mergeBase = stackOn !== null && (input.lastBaseSha ?? input.planBaseSha) !== baseHead;
  const parents = stackOn === null ? [baseHead] : mergeBase ? [stackOn, baseHead] : [stackOn];
  const done = (commitSha: string, outcome: PublishChangeResult["outcome"], made: string[] = parents): PublishChangeResult => ({
    branch: input.branch,
    commitSha,
    treeSha: tree,
    parentSha: baseHead,
    parents: made,
    rebased,
    outcome,
    requests,
  });
  if (existing && existing.tree === tree && existing.parents.length === 1 && existing.parents[0] === baseHead) {
    return done(existing.sha, "unchanged", existing.parents);
  }
  // A re-run after WAVE's merge of the moved base reached the branch: that merge is this publish.
  if (existing?.ours && existing.tree === tree && existing.parents.length === 2 && existing.parents[1] === baseHead) {
    return done(existing.sha, "unchanged", existing.parents);
  }
  if (stackOn && existing?.tree === tree) return done(stackOn, "unchanged", existing.parents);
  if (existing && !existing.ours && !input.overwriteOthers && stackOn === null) throw new BranchTakenOver(input.branch, existing.sha);

  const message = `${input.message.trimEnd()}\n\n${trailer(input.storyId)}\n`;
  const commit = (await call(() => octokit.request("POST /repos/{owner}/{repo}/git/commits", { owner, repo, message, tree, parents }))).data
    .sha;
  // The next iteration stacks on this commit: its look-up then needs no read.
  rememberCommit(ctx, commit, { tree, parents, message });

  // On top of the last head the move is a fast-forward: never forced, so a push that landed meanwhile is not overwritten.
  const update = () =>
    call(() =>
      octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", { owner, repo, ref: branchRef, sha: commit, force: stackOn === null }),
    );
  if (existing) {
    await update();
    return done(commit, "updated");
  }
  const createRef = () =>
    createOnce(
      async () => Boolean(await call(() => octokit.request("POST /repos/{owner}/{repo}/git/refs", { owner, repo, ref, sha: commit }))),
      // After an ambiguous answer the branch may exist: moving it to the commit is the same outcome.
      async () => {
        try {
          await update();
          return true;
        } catch (error) {
          if (error instanceof GitHubValidationFailed || error instanceof GitHubNotFound) return undefined;
          throw error;
        }
      },
    );
  try {
    await createRef();
    return done(commit, "created");
  } catch (error) {
    // The branch exists after all: another run made it between our look-up and now, or, on a first
    // publish, an earlier try or somebody else did. It is ours to move only if its head is WAVE's.
    if (!(error instanceof GitHubValidationFailed) || !/already exists/i.test(error.githubMessage)) throw error;
    if (input.firstPublish) {
      const found = await lookUp();
      if (found && !found.ours && !input.overwriteOthers) throw new BranchTakenOver(input.branch, found.sha);
      if (found && found.tree === tree && found.parents.length === 1 && found.parents[0] === baseHead)
        return done(found.sha, "unchanged", found.parents);
    }
    await update();
    return done(commit, "updated");
  }
}
