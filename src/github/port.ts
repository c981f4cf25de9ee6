import type { Pool } from "../store/db.js";
import { claimFirstCreate } from "../store/create-claims.js";
import type { StoryRow } from "../store/stories.js";
import { syncChecks } from "../publish/sync-checks.js";
import type { GitHubClient } from "./client.js";
import { syncIssue, type StatusExtras } from "./ensure-status-comment.js";
import { dispatchRepositoryEvent } from "./dispatch-runner.js";
import { reactToComment, type Reaction } from "./react.js";
import { postReplyOnce } from "./reply.js";
import { replyInThreadOnce, type ThreadReplyTarget } from "./thread-reply.js";

/**
 * The outbox's view of GitHub, in the domain's words (after release-please's `Scm`). Every
 * method is an idempotent upsert keyed by a stored id or a hidden marker, skips unchanged
 * content, and throws named errors (`GitHubError` and kin) classified once in `callGitHub`:
 * transient ones were already retried there, permanent ones (`isPermanentRefusal`) are final.
 * The implementation is `gitHubPort`; tests of the delivery logic pass a fake.
 */
export interface GitHubPort {
  /** The story's one status comment (stored id, else marker, else created) and its status label. */
  ensureStatusComment(story: StoryRow, extras: StatusExtras): Promise<void>;
  /** `wave/gates`, `wave/safety` and `wave/budget` on the PR head from stored state; nothing while the story has no PR. */
  ensureCheckRuns(story: StoryRow): Promise<void>;
  /** A one-off reply on the issue or PR, posted once per `key`. */
  reply(where: { owner: string; repo: string; issueNumber: number }, key: string, body: string): Promise<void>;
  /** A reaction on a comment; GitHub answers a repeated one with the existing reaction. */
  react(where: { owner: string; repo: string; commentId: number }, content: Reaction): Promise<void>;
  /** A `repository_dispatch` of `eventType` (the Actions runner backend's job); idempotent on the app's side by the payload's job id. */
  dispatch(where: { owner: string; repo: string }, eventType: string, payload: Record<string, unknown>): Promise<void>;
  /**
   * A reply in story `storyId`'s review comment thread, posted once per `key`: the first attempt claims
   * the reply (`create_claims`) and posts without a look-up; a later one looks for its hidden marker first.
   */
  replyInThread(storyId: string, where: ThreadReplyTarget, key: string, body: string): Promise<void>;
}

/** The port over one installation's client. */
export function gitHubPort(octokit: GitHubClient, pool: Pool): GitHubPort {
  return {
    ensureStatusComment: (story, extras) => syncIssue(octokit, pool, story, extras),
    ensureCheckRuns: async (story) => void (await syncChecks(octokit, pool, story)),
    reply: (where, key, body) => postReplyOnce(octokit, where, key, body),
    react: (where, content) => reactToComment(octokit, where, content),
    dispatch: (where, eventType, payload) => dispatchRepositoryEvent(octokit, where, eventType, payload),
    replyInThread: async (storyId, where, key, body) =>
      replyInThreadOnce(octokit, where, key, body, await claimFirstCreate(pool, storyId, `thread-reply:${key}`)),
  };
}
