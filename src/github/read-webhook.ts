import { z } from "zod";
import { parseStoryMarker } from "./story-marker.js";
import { WAVE_BRANCH_PREFIX } from "./wave-ref.js";

const pullRequestEvent = z.object({
  action: z.string(),
  number: z.number().int(),
  pull_request: z.object({
    body: z.string().nullable(),
    merged: z.boolean().nullable().optional(),
    merge_commit_sha: z.string().nullable().optional(),
    head: z.object({ ref: z.string(), sha: z.string() }),
    base: z.object({ ref: z.string() }),
  }),
  before: z.string().optional(),
  after: z.string().optional(),
  sender: z.object({ login: z.string(), type: z.string() }),
});

/** A pull-request event on a WAVE branch, reduced to what the story needs. */
export interface WavePullRequestEvent {
  kind: "merged" | "closed" | "pushed";
  pullNumber: number;
  headSha: string;
  branch: string;
  /** From the PR body's hidden marker; null when someone removed it. */
  storyId: string | null;
  /** From the branch name `wave/<issue>-<slug>`. */
  issueNumber: number | null;
  /** For "pushed": the head before the push. Compare `headSha` with the commit WAVE published to tell its own pushes apart. */
  before?: string;
  senderLogin: string;
  senderIsBot: boolean;
}

/**
 * Reads `pull_request.closed` and `pull_request.synchronize`. Returns null for other
 * actions and for branches outside `wave/`: those PRs are not WAVE's.
 */
export function readPullRequestEvent(payload: unknown): WavePullRequestEvent | null {
  const event = pullRequestEvent.parse(payload);
  const pr = event.pull_request;
  if (!pr.head.ref.startsWith(WAVE_BRANCH_PREFIX)) return null;
  let kind: WavePullRequestEvent["kind"];
  if (event.action === "closed") kind = pr.merged ? "merged" : "closed";
  else if (event.action === "synchronize") kind = "pushed";
  else return null;
  const issue = /^wave\/(\d+)(?:-|$)/.exec(pr.head.ref);
  return {
    kind,
    pullNumber: event.number,
    headSha: pr.head.sha,
    branch: pr.head.ref,
    storyId: parseStoryMarker(pr.body ?? ""),
    issueNumber: issue ? Number(issue[1]) : null,
    ...(kind === "pushed" && event.before ? { before: event.before } : {}),
    senderLogin: event.sender.login,
    senderIsBot: event.sender.type === "Bot",
  };
}

const checkRunEvent = z.object({
  action: z.string(),
  check_run: z.object({
    id: z.number().int(),
    name: z.string(),
    head_sha: z.string(),
    external_id: z.string().nullable(),
    app: z.object({ id: z.number().int() }).optional(),
  }),
  requested_action: z.object({ identifier: z.string() }).nullable().optional(),
  sender: z.object({ login: z.string() }),
});

/** A re-run request or a button press on one of WAVE's check runs. */
export interface WaveCheckRunEvent {
  kind: "rerequested" | "requested_action";
  checkRunId: number;
  name: string;
  headSha: string;
  /** The story id we set as `external_id`; null when absent. */
  storyId: string | null;
  /** For "requested_action": the button's identifier. */
  identifier?: string;
  senderLogin: string;
}

/**
 * Reads `check_run.rerequested` and `check_run.requested_action`. Returns null when the
 * run belongs to another app (`appId` given and different) or the action is another one.
 */
export function readCheckRunEvent(payload: unknown, appId?: number): WaveCheckRunEvent | null {
  const event = checkRunEvent.parse(payload);
  if (event.action !== "rerequested" && event.action !== "requested_action") return null;
  const run = event.check_run;
  if (appId !== undefined && run.app?.id !== appId) return null;
  return {
    kind: event.action,
    checkRunId: run.id,
    name: run.name,
    headSha: run.head_sha,
    storyId: run.external_id ? run.external_id : null,
    ...(event.action === "requested_action" && event.requested_action ? { identifier: event.requested_action.identifier } : {}),
    senderLogin: event.sender.login,
  };
}
