import { z } from "zod";
import type { EventRepository } from "../commands/command-event.js";
import type { EventSender } from "../commands/is-bot.js";

/** A submitted review on a pull request, reduced to what iterating needs. */
export interface ReviewSubmitted {
  reviewId: number;
  state: "approved" | "changes_requested" | "commented" | "dismissed";
  body: string;
  /** The head the reviewer looked at. */
  commitId: string | null;
  reviewer: EventSender;
  sender: EventSender;
  pullNumber: number;
  headSha: string;
  /** The PR's branch: WAVE's begin with `wave/`. */
  headRef: string;
  repository: EventRepository;
  installationId: number | null;
}

/** A user as GitHub's webhook payloads carry one. */
export const eventUser = z.object({ login: z.string(), type: z.string() });

/** What every pull-request review event carries besides its review or comment: the PR, repository, installation and sender. */
export const pullRequestEventEnvelope = z.object({
  pull_request: z.object({ number: z.number(), head: z.object({ ref: z.string(), sha: z.string() }) }),
  repository: z.object({
    id: z.number(),
    name: z.string(),
    owner: z.object({ login: z.string(), type: z.enum(["User", "Organization"]) }),
  }),
  installation: z.object({ id: z.number() }).nullish(),
  sender: eventUser,
});

const payload = pullRequestEventEnvelope.extend({
  action: z.literal("submitted"),
  review: z.object({
    id: z.number(),
    state: z.string(),
    body: z.string().nullable(),
    commit_id: z.string().nullish(),
    user: eventUser.nullable(),
  }),
});

/** GitHub's `pull_request_review.submitted` payload, or null for anything else. Review states arrive in either case. */
export function readReviewSubmitted(raw: unknown): ReviewSubmitted | null {
  const parsed = payload.safeParse(raw);
  if (!parsed.success) return null;
  const { data } = parsed;
  const state = data.review.state.toLowerCase();
  if (state !== "approved" && state !== "changes_requested" && state !== "commented" && state !== "dismissed") return null;
  return {
    reviewId: data.review.id,
    state,
    body: data.review.body ?? "",
    commitId: data.review.commit_id ?? null,
    reviewer: data.review.user ?? data.sender,
    sender: data.sender,
    pullNumber: data.pull_request.number,
    headSha: data.pull_request.head.sha,
    headRef: data.pull_request.head.ref,
    repository: { id: data.repository.id, name: data.repository.name, owner: data.repository.owner },
    installationId: data.installation?.id ?? null,
  };
}
