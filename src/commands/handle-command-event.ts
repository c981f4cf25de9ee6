import { loadConfigReport, type ConfigReport } from "../config/load.js";
import { ConfigError, userMessage } from "../errors.js";
import { postReplyOnce } from "../github/reply.js";
import { GATES_CHECK_NAME } from "../checks/gates-check.js";
import type { GitHubClient, RepoContext } from "../github/client.js";
import { codeOwnerApproval } from "../codeowners/code-owner-approval.js";
import { GitHubNotFound, GitHubPermissionMissing } from "../github/errors.js";
import { renderConfigError } from "../intake/intake.js";
import type { StoryRow } from "../store/stories.js";
import { readSnapshot } from "../story/snapshot.js";
import type { DeliveryHandler, HandlerContext } from "../webhooks/route-delivery.js";
import type { StoryFacts } from "./authorize.js";
import { organisationCommands, readOnlyCommands, type Command } from "./command-catalog.js";
import { recordCommand, type CommandRecord } from "./command-audit.js";
import { readCommandEvent, type CommandEvent } from "./command-event.js";
import { auditRole, evaluateCommandEvent, type Evaluation } from "./evaluate-command-event.js";
import { findCommandStory } from "./find-command-story.js";
import { formatCommand } from "./format-command.js";
import { grantedAuthority } from "./granted-authority.js";
import { reactToComment, type Reaction } from "../github/react.js";
import { parseCommands } from "./parse-commands.js";
import { renderNoStory } from "./render/no-story.js";
import { renderGoverned } from "./render/governed.js";
import { renderOverriddenKeys } from "./render/overridden-keys.js";
import { renderStatus } from "./render/status.js";
import { applyStoryCommands } from "./run/apply-story-commands.js";
import { auditedCommands, refusalNote } from "./run/describe-evaluation.js";
import { emergencyResume, emergencyStop } from "./run/emergency-stop.js";
import { replyTarget } from "./run/reply-target.js";
import { statusView } from "./run/status-view.js";

type Actionable = Extract<CommandEvent, { kind: "text" | "button" }>;
type Delivery = Parameters<DeliveryHandler>[0];

/** The handlers for every event that can carry commands, to register in `RouterPorts.handlers`. */
export function commandHandlers(): Record<string, DeliveryHandler> {
  return {
    "issue_comment.created": handleCommandDelivery,
    "pull_request_review.submitted": handleCommandDelivery,
    "check_run.requested_action": handleCommandDelivery,
  };
}

/** What was decided and done, for the reaction, the reply and the audit row. */
interface Outcome {
  verdict: CommandRecord["verdict"];
  note: string;
  reply: string[];
  done: boolean;
  scope: CommandRecord["scope"];
}

/**
 * One delivery that may carry commands: 👀, read and authorize the commands,
 * act on the story or the organisation, record the comment in the audit
 * trail, reply when there is something to say, then 👍 or 😕. Throws on
 * transient failures; a retried delivery repeats nothing it already did.
 */
export async function handleCommandDelivery(delivery: Delivery, context: HandlerContext): Promise<string> {
  const event = readCommandEvent(delivery.event, delivery.payload);
  if (event.kind === "ignored") return `ignored: ${event.reason}`;
  // Ordinary conversation costs nothing: no reaction, no API call.
  if (event.kind === "text" && parseCommands(event.text).kind === "none") return "ignored: no commands";
  if (event.kind === "button" && event.checkRunName !== GATES_CHECK_NAME) return `ignored: button on ${event.checkRunName}`;
  if (event.installationId === null) return "ignored: no installation";
  const { deps } = context;
  const octokit = await context.github.forInstallation(event.installationId);
  const repo = { owner: event.repository.owner.login, repo: event.repository.name };
  const commentId = event.kind === "text" && event.source === "issue_comment" ? event.id : null;
  const react = async (content: Reaction) => {
    if (commentId === null) return;
    try {
      await reactToComment(octokit, { ...repo, commentId }, content);
    } catch (error) {
      // A deleted comment or a missing permission must not stop the command; anything else is retried.
      if (!(error instanceof GitHubNotFound || error instanceof GitHubPermissionMissing)) throw error;
      deps.log.warn({ deliveryId: delivery.id, commentId, err: error }, "could not react to the command comment");
    }
  };
  await react("eyes");

  const story = await findCommandStory(deps.pool, event);
  const loaded: { report: ConfigReport | null } = { report: null };
  const evaluation = await evaluate(octokit, context, event, story, loaded);
  if (evaluation.kind === "ignored") return `ignored: ${evaluation.reason}`;
  const codeOwners = loaded.report?.config.commands.permissions.approve.code_owners === true;
  const outcome =
    evaluation.kind === "accepted"
      ? await carryOut(context, evaluation, story, delivery.id, codeOwners ? { octokit, ...repo } : null)
      : refused(evaluation);

  await recordCommand(deps.pool, {
    deliveryId: delivery.id,
    storyId: outcome.scope === "organisation" ? null : (story?.id ?? null),
    owner: repo.owner.toLowerCase(),
    repository: `${repo.owner}/${repo.repo}`,
    number: replyTarget(event, story),
    source: event.kind === "button" ? "check_run" : event.source,
    actor: event.sender.login,
    role: evaluation.kind === "config-error" ? null : auditRole(evaluation),
    commands: evaluation.kind === "config-error" ? [] : auditedCommands(evaluation),
    verdict: outcome.verdict,
    ...(outcome.note ? { note: outcome.note } : {}),
    scope: outcome.scope,
  });

  const wantsStatus = evaluation.kind === "accepted" && evaluation.commands.some((command) => command.name === "status");
  if (wantsStatus && story) outcome.reply.push(renderStatus(await statusView(deps.pool, story)));
  if (wantsStatus && loaded.report) outcome.reply.push(renderGoverned(loaded.report.effective));
  // Reviews cannot carry a reaction, so a review that did what it asked says so in words.
  if (outcome.done && outcome.reply.length === 0 && commentId === null && event.kind === "text") {
    outcome.reply.push(
      `Done: ${evaluation.kind === "accepted" ? evaluation.commands.map((command) => `\`${formatCommand(command)}\``).join(", ") : ""}.`,
    );
  }
  const target = replyTarget(event, story);
  if (outcome.reply.length > 0 && target !== null) {
    await postReplyOnce(octokit, { ...repo, issueNumber: target }, `command:${delivery.id}`, outcome.reply.join("\n\n"));
  }
  await react(outcome.done ? "+1" : "confused");
  return `commands ${outcome.verdict}${outcome.note ? `: ${outcome.note}` : ""}`;
}

type Evaluated = Evaluation | { kind: "config-error"; reply: string; note: string };

async function evaluate(
  octokit: GitHubClient,
  context: HandlerContext,
  event: Actionable,
  story: StoryRow | null,
  loaded: { report: ConfigReport | null },
): Promise<Evaluated> {
  const { owner, name } = event.repository;
  let report: ConfigReport | null = null;
  try {
    const evaluation = await evaluateCommandEvent(octokit, context.directory, event, {
      // Read once per command event, not taken from the story's intake: a permission the organisation
      // or the repository tightened since the story started holds for the next command.
      config: async () => {
        report = await loadConfigReport(octokit as Parameters<typeof loadConfigReport>[0], owner.login, name);
        loaded.report = report;
        return report.config.commands;
      },
      story: () => storyFacts(story),
    });
    if (evaluation.kind !== "refused" || report === null) return evaluation;
    // A refusal the repository's file would have allowed says that the organisation's rule held, and why.
    const refusedNames = evaluation.decision.verdicts.filter((verdict) => !verdict.allowed).map((verdict) => verdict.command);
    const why = renderOverriddenKeys((report as ConfigReport).ignored, refusedNames);
    return why ? { ...evaluation, reply: `${evaluation.reply}\n\n${why}` } : evaluation;
  } catch (error) {
    // Permanent answers a retry cannot change: tell the person and stop.
    if (error instanceof ConfigError) {
      return {
        kind: "config-error",
        reply: `@${event.sender.login}, I did not run this comment, so nothing was done: the configuration is invalid.\n\n${renderConfigError(error)}`,
        note: "configuration invalid",
      };
    }
    if (error instanceof GitHubPermissionMissing) {
      return {
        kind: "config-error",
        reply: `@${event.sender.login}, I did not run this comment, so nothing was done: ${userMessage(error)}`,
        note: "app permission missing",
      };
    }
    throw error;
  }
}

function storyFacts(story: StoryRow | null): StoryFacts {
  if (!story) return { starter: null, holdPlacers: [] };
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  return { starter: story.startedBy, holdPlacers: (snapshot.context.holds.people ?? []).map((hold) => hold.by) };
}

function refused(evaluation: Exclude<Evaluated, { kind: "ignored" | "accepted" }>): Outcome {
  if (evaluation.kind === "config-error")
    return { verdict: "refused", note: evaluation.note, reply: [evaluation.reply], done: false, scope: "story" };
  return {
    verdict: evaluation.kind === "refused" ? "refused" : "invalid",
    note: refusalNote(evaluation),
    reply: [evaluation.reply],
    done: false,
    scope: "story",
  };
}

async function carryOut(
  context: HandlerContext,
  evaluation: Extract<Evaluation, { kind: "accepted" }>,
  story: StoryRow | null,
  deliveryId: string,
  /** Set when `/wave approve` at the review gate must come from code owners of every changed path. */
  codeOwners: RepoContext | null,
): Promise<Outcome> {
  const { event, commands } = evaluation;
  const by = event.sender.login;
  const reply = evaluation.reply ? [evaluation.reply] : [];
  const organisation = commands.find((command): command is Extract<Command, { name: "stop-all" | "resume-all" }> =>
    organisationCommands.has(command.name),
  );
  if (organisation) {
    const owner = event.repository.owner.login;
    const result =
      organisation.name === "stop-all"
        ? await emergencyStop(context.deps, owner, by, organisation.reason, deliveryId)
        : await emergencyResume(context.deps, owner, by, deliveryId);
    const what = organisation.name === "stop-all" ? "held" : "resumed";
    return {
      verdict: "accepted",
      note: `${organisation.name}: ${result.changed} of ${result.stories} live stories ${what} in ${result.repositories} repositories`,
      reply,
      done: true,
      scope: "organisation",
    };
  }
  const needsStory = commands.some((command) => command.name !== "help");
  if (needsStory && !story) {
    const onPullRequest = event.kind === "button" || event.isPullRequest;
    return {
      verdict: "invalid",
      note: "no WAVE story here",
      reply: [...reply, renderNoStory(by, onPullRequest)],
      done: false,
      scope: "story",
    };
  }
  if (!story) return { verdict: "accepted", note: "", reply, done: true, scope: "story" };
  let acting = commands.filter((command) => !readOnlyCommands.has(command.name));
  const pending: { note: string; explanation: string }[] = [];
  const atReview = readSnapshot(story.snapshot, story.machineVersion).context.step === "reviewApproval";
  if (codeOwners && atReview && acting.some((command) => command.name === "approve")) {
    const owners = await codeOwnerApproval(codeOwners, context.deps.pool, story, by);
    // Until every owned path is covered, the approval is recorded but not sent: the gate stays where it is.
    if (!owners.complete) {
      acting = acting.filter((command) => command.name !== "approve");
      pending.push(owners);
    }
  }
  if (acting.length === 0 && pending.length === 0) return { verdict: "accepted", note: "", reply, done: true, scope: "story" };
  const results = await applyStoryCommands(
    context.deps,
    story,
    acting,
    { by, authority: (name) => grantedAuthority(evaluation.decision, name) },
    deliveryId,
  );
  const notDone = [...pending, ...results.filter((result) => !result.done)];
  return {
    verdict: "accepted",
    note: [...pending.map((p) => p.note), ...results.map((result) => result.note)].join("; "),
    reply: [...reply, ...notDone.map((result) => `@${by}, ${lowerFirst(result.explanation ?? "")}`)],
    done: notDone.length === 0,
    scope: "story",
  };
}

function lowerFirst(text: string): string {
  return text.startsWith("`") ? text : text.charAt(0).toLowerCase() + text.slice(1);
}
