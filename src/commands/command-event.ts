import { z } from "zod";
import type { Command } from "./command-catalog.js";
import { commandForAction } from "./check-run-actions.js";
import { isBot, type EventSender } from "./is-bot.js";
import type { RepositoryOwner } from "./github/organisation-owner.js";

/** The repository an event happened in. */
export interface EventRepository {
  /** GitHub's id of the repository; stories are keyed by it. */
  id: number;
  owner: RepositoryOwner;
  name: string;
}

/** An event that may carry commands, reduced to what the commands layer needs. */
export type CommandEvent =
  | { kind: "ignored"; reason: "bot" | "not-a-command" }
  | {
      kind: "text";
      /** Where the text came from; reactions exist for issue comments, not for review bodies. */
      source: "issue_comment" | "pull_request_review";
      text: string;
      sender: EventSender;
      repository: EventRepository;
      installationId: number | null;
      /** The issue or pull request number. */
      number: number;
      isPullRequest: boolean;
      /** The comment's or the review's id. */
      id: number;
    }
  | {
      kind: "button";
      identifier: string;
      command: Command;
      sender: EventSender;
      repository: EventRepository;
      installationId: number | null;
      checkRunId: number;
      checkRunName: string;
      /** The check run's `external_id`: WAVE sets it to the story id. */
      storyId: string | null;
      /** The id of the app that owns the check run; compare with WAVE's own before acting. */
      appId: number | null;
      headSha: string;
      /** Numbers of the pull requests the check run belongs to. */
      pullRequests: number[];
    };

const sender = z.object({ login: z.string(), type: z.string() });
const repository = z.object({
  id: z.number(),
  name: z.string(),
  owner: z.object({ login: z.string(), type: z.enum(["User", "Organization"]) }),
});
const installation = z.object({ id: z.number() }).nullish();

const issueComment = z.object({
  action: z.string(),
  comment: z.object({ id: z.number(), body: z.string().nullable() }),
  issue: z.object({ number: z.number(), pull_request: z.unknown().optional() }),
  sender,
  repository,
  installation,
});

const review = z.object({
  action: z.string(),
  review: z.object({ id: z.number(), body: z.string().nullable() }),
  pull_request: z.object({ number: z.number() }),
  sender,
  repository,
  installation,
});

const checkRun = z.object({
  action: z.string(),
  requested_action: z.object({ identifier: z.string() }).nullish(),
  check_run: z.object({
    id: z.number(),
    name: z.string(),
    head_sha: z.string(),
    external_id: z.string().nullish(),
    app: z.object({ id: z.number() }).nullish(),
    pull_requests: z.array(z.object({ number: z.number() })).default([]),
  }),
  sender,
  repository,
  installation,
});

/**
 * Reads an event that may carry commands. Only new comments
 * (`issue_comment.created`), submitted reviews
 * (`pull_request_review.submitted`) and button clicks
 * (`check_run.requested_action`) count: editing or deleting a comment never
 * runs anything (Mergify #5032). Bots are dropped here, before any API call.
 */
export function readCommandEvent(name: string, payload: unknown): CommandEvent {
  if (name === "issue_comment") {
    const event = issueComment.safeParse(payload);
    if (!event.success || event.data.action !== "created") return { kind: "ignored", reason: "not-a-command" };
    const { data } = event;
    if (isBot(data.sender)) return { kind: "ignored", reason: "bot" };
    return {
      kind: "text",
      source: "issue_comment",
      text: data.comment.body ?? "",
      sender: data.sender,
      repository: toRepository(data.repository),
      installationId: data.installation?.id ?? null,
      number: data.issue.number,
      isPullRequest: data.issue.pull_request !== undefined && data.issue.pull_request !== null,
      id: data.comment.id,
    };
  }
  if (name === "pull_request_review") {
    const event = review.safeParse(payload);
    if (!event.success || event.data.action !== "submitted") return { kind: "ignored", reason: "not-a-command" };
    const { data } = event;
    if (isBot(data.sender)) return { kind: "ignored", reason: "bot" };
    return {
      kind: "text",
      source: "pull_request_review",
      text: data.review.body ?? "",
      sender: data.sender,
      repository: toRepository(data.repository),
      installationId: data.installation?.id ?? null,
      number: data.pull_request.number,
      isPullRequest: true,
      id: data.review.id,
    };
  }
  if (name === "check_run") {
    const event = checkRun.safeParse(payload);
    if (!event.success || event.data.action !== "requested_action" || !event.data.requested_action) {
      return { kind: "ignored", reason: "not-a-command" };
    }
    const { data } = event;
    if (isBot(data.sender)) return { kind: "ignored", reason: "bot" };
    const identifier = data.requested_action?.identifier ?? "";
    const command = commandForAction(identifier);
    if (!command) return { kind: "ignored", reason: "not-a-command" };
    return {
      kind: "button",
      identifier,
      command,
      sender: data.sender,
      repository: toRepository(data.repository),
      installationId: data.installation?.id ?? null,
      checkRunId: data.check_run.id,
      checkRunName: data.check_run.name,
      storyId: data.check_run.external_id ? data.check_run.external_id : null,
      appId: data.check_run.app?.id ?? null,
      headSha: data.check_run.head_sha,
      pullRequests: data.check_run.pull_requests.map((pr) => pr.number),
    };
  }
  return { kind: "ignored", reason: "not-a-command" };
}

function toRepository(repo: z.infer<typeof repository>): EventRepository {
  return { id: repo.id, owner: { login: repo.owner.login, type: repo.owner.type }, name: repo.name };
}
