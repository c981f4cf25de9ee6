import { randomUUID } from "node:crypto";
import { codeOwnerApproval, type CodeOwnerOutcome } from "../../codeowners/code-owner-approval.js";
import { loadConfig } from "../../config/load.js";
import type { SenderDirectory } from "../../commands/github/sender-directory.js";
import { organisationCommands, type CommandName } from "../../commands/command-catalog.js";
import { recordCommand } from "../../commands/command-audit.js";
import type { CommandEvent } from "../../commands/command-event.js";
import { auditRole, evaluateCommandEvent } from "../../commands/evaluate-command-event.js";
import { applyStoryCommands } from "../../commands/run/apply-story-commands.js";
import { grantedAuthority } from "../../commands/granted-authority.js";
import { auditedCommands, refusalNote } from "../../commands/run/describe-evaluation.js";
import { emergencyResume, emergencyStop } from "../../commands/run/emergency-stop.js";
import type { EngineDeps } from "../../engine/deps.js";
import type { GitHubAuth } from "../../engine/ports.js";
import type { StoryRow } from "../../store/stories.js";
import { readSnapshot } from "../../story/snapshot.js";

/** Actions the portal offers; each is the `/wave` command of the same name. */
export const PORTAL_ACTIONS = [
  "hold",
  "unhold",
  "approve",
  "kill",
  "retry",
  "recycle",
  "budget",
  "stop-all",
  "resume-all",
] as const satisfies readonly CommandName[];
export type PortalActionName = (typeof PORTAL_ACTIONS)[number];

export interface PortalOutcome {
  verdict: "accepted" | "refused" | "invalid";
  /** What to tell the person, in one or two sentences. */
  message: string;
  done: boolean;
}

/** What the person asked for; the body of `POST /wave/api/stories/:id/<action>`, as the command takes it. */
export interface ActionBody {
  reason?: unknown;
  feedback?: unknown;
  usd?: unknown;
}

/**
 * The command line a portal action stands for. Arguments are folded onto one
 * line so a body can never smuggle a second command in; the commands parser
 * then reads it exactly as it reads a comment.
 */
export function commandLine(action: PortalActionName, body: ActionBody): string {
  const arg = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "").replace(/[\r\n]+/g, " ").trim();
  switch (action) {
    case "hold":
    case "kill":
    case "stop-all":
      return `/wave ${action} ${arg(body.reason)}`.trim();
    case "recycle":
      return `/wave recycle ${arg(body.feedback)}`.trim();
    case "budget":
      return `/wave budget +${arg(body.usd).replace(/^\+/, "")}`;
    default:
      return `/wave ${action}`;
  }
}

interface Target {
  installationId: number;
  repository: { id: number; owner: { login: string; type: "User" | "Organization" }; name: string };
  number: number;
  story: StoryRow | null;
}

/**
 * Runs a portal action through the commands layer's own path: the same
 * parser, the same permission matrix (the person's role looked up on GitHub
 * with the installation's token), the same statechart events and the same
 * COMMAND audit row, with `source: "portal"` and "via the portal" in its note.
 * The status comment follows through the outbox like any other change.
 */
export async function runPortalCommand(
  deps: EngineDeps,
  github: GitHubAuth,
  directory: SenderDirectory,
  login: string,
  action: PortalActionName,
  body: ActionBody,
  target: Target,
): Promise<PortalOutcome> {
  const octokit = await github.forInstallation(target.installationId);
  const event: Extract<CommandEvent, { kind: "text" }> = {
    kind: "text",
    source: "issue_comment",
    text: commandLine(action, body),
    sender: { login, type: "User" },
    repository: target.repository,
    installationId: target.installationId,
    number: target.number,
    isPullRequest: false,
    id: 0,
  };
  const story = target.story;
  let codeOwners = false;
  const evaluation = await evaluateCommandEvent(octokit, directory, event, {
    config: async () => {
      const commands = (
        await loadConfig(octokit as Parameters<typeof loadConfig>[0], target.repository.owner.login, target.repository.name)
      ).commands;
      codeOwners = commands.permissions.approve.code_owners;
      return commands;
    },
    story: () => {
      if (!story) return { starter: null, holdPlacers: [] };
      const snapshot = readSnapshot(story.snapshot, story.machineVersion);
      return { starter: story.startedBy, holdPlacers: (snapshot.context.holds.people ?? []).map((hold) => hold.by) };
    },
  });
  if (evaluation.kind === "ignored") return { verdict: "invalid", message: "Nothing to do.", done: false };
  const deliveryId = `portal:${randomUUID()}`;
  let outcome: PortalOutcome;
  let note: string;
  const atReview = story !== null && readSnapshot(story.snapshot, story.machineVersion).context.step === "reviewApproval";
  const owners: CodeOwnerOutcome | null =
    evaluation.kind === "accepted" && action === "approve" && codeOwners && story && atReview
      ? await codeOwnerApproval({ octokit, owner: target.repository.owner.login, repo: target.repository.name }, deps.pool, story, login)
      : null;
  if (evaluation.kind !== "accepted") {
    note = refusalNote(evaluation);
    outcome = { verdict: evaluation.kind === "refused" ? "refused" : "invalid", message: evaluation.reply, done: false };
  } else if (organisationCommands.has(action)) {
    const owner = target.repository.owner.login;
    const reason = typeof body.reason === "string" && body.reason.trim() ? body.reason.trim() : null;
    const result =
      action === "stop-all"
        ? await emergencyStop(deps, owner, login, reason, deliveryId)
        : await emergencyResume(deps, owner, login, deliveryId);
    note = `${action}: ${result.changed} of ${result.stories} live stories ${action === "stop-all" ? "held" : "resumed"} in ${result.repositories} repositories`;
    outcome = { verdict: "accepted", message: `${note}.`, done: true };
  } else if (!story) {
    note = "no WAVE story here";
    outcome = { verdict: "invalid", message: "There is no story here.", done: false };
  } else if (owners && !owners.complete) {
    // The same rule as `/wave approve`: until code owners of every changed path approved, the gate stays.
    note = owners.note;
    outcome = { verdict: "accepted", message: owners.explanation, done: false };
  } else {
    const decision = evaluation.decision;
    const results = await applyStoryCommands(
      deps,
      story,
      evaluation.commands,
      { by: login, authority: (name) => grantedAuthority(decision, name) },
      deliveryId,
    );
    note = results.map((r) => r.note).join("; ");
    const notDone = results.filter((r) => !r.done);
    outcome =
      notDone.length === 0
        ? { verdict: "accepted", message: `Done: ${action}.`, done: true }
        : { verdict: "accepted", message: notDone.map((r) => r.explanation ?? r.note).join(" "), done: false };
  }
  await recordCommand(deps.pool, {
    deliveryId,
    storyId: organisationCommands.has(action) ? null : (story?.id ?? null),
    owner: target.repository.owner.login.toLowerCase(),
    repository: `${target.repository.owner.login}/${target.repository.name}`,
    number: story ? story.issueNumber : null,
    source: "portal",
    actor: login,
    role: auditRole(evaluation),
    commands: auditedCommands(evaluation),
    verdict: outcome.verdict,
    note: note ? `via the portal; ${note}` : "via the portal",
    scope: organisationCommands.has(action) ? "organisation" : "story",
  });
  return outcome;
}
