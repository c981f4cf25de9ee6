import { loadConfig } from "../config/load.js";
import type { SenderDirectory } from "../commands/github/sender-directory.js";
import { isBot } from "../commands/is-bot.js";
import { meets } from "../commands/permission-levels.js";
import { createStory } from "../engine/create-story.js";
import type { EngineDeps } from "../engine/deps.js";
import { ConfigError } from "../errors.js";
import type { GitHubClient } from "../github/client.js";
import { findLiveStory } from "../store/stories.js";
import { orgStop } from "../store/org-controls.js";
import { parseStory } from "../story/parse-story.js";
import { postReplyOnce } from "../github/reply.js";

/** The parts of GitHub's `issues.labeled` payload intake reads. */
export interface LabeledPayload {
  label?: { name: string };
  issue: {
    number: number;
    title: string;
    body?: string | null;
    html_url: string;
    labels?: ({ name?: string } | string)[];
    pull_request?: unknown;
    state?: string;
  };
  repository: { id: number; name: string; owner: { login: string }; default_branch?: string };
  sender: { login: string; type?: string };
  installation?: { id: number };
}

export type IntakeOutcome =
  | { kind: "ignored"; why: string }
  | { kind: "refused"; why: string }
  | { kind: "started"; storyId: string }
  | { kind: "already-live"; storyId: string };

/**
 * G0 Intake: `issues.labeled` with the trigger label → the labeler's role is
 * checked → the config is loaded and validated → the issue is parsed → the
 * story is created. Refusals are told on the issue in one comment.
 */
export async function intake(
  deps: EngineDeps,
  octokit: GitHubClient & Parameters<typeof loadConfig>[0],
  directory: SenderDirectory,
  payload: LabeledPayload,
  deliveryId: string,
): Promise<IntakeOutcome> {
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const issueNumber = payload.issue.number;
  if (payload.issue.pull_request) return { kind: "ignored", why: "labels on pull requests do not start stories" };
  if (isBot({ login: payload.sender.login, type: payload.sender.type ?? "User" })) return { kind: "ignored", why: "labelled by a bot" };
  if (!payload.installation) return { kind: "ignored", why: "no installation in the payload" };

  let config;
  try {
    config = await loadConfig(octokit, owner, repo);
  } catch (error) {
    // A broken config is only worth a comment when the label could have been ours.
    if (error instanceof ConfigError && payload.label?.name.toLowerCase() === "wave") {
      await postReplyOnce(octokit, { owner, repo, issueNumber }, `config:${deliveryId}`, renderConfigError(error));
      return { kind: "refused", why: error.message };
    }
    if (error instanceof ConfigError) return { kind: "ignored", why: `config invalid; label may not be the trigger: ${error.message}` };
    throw error;
  }
  if (payload.label?.name.toLowerCase() !== config.trigger_label.toLowerCase()) return { kind: "ignored", why: "not the trigger label" };

  const live = await findLiveStory(deps.pool, payload.repository.id, issueNumber);
  if (live) return { kind: "already-live", storyId: live.id };

  const role = await directory.role(octokit, { owner, repo }, payload.sender.login, 60);
  if (!meets(role, config.labeler_permission)) {
    const has = role === "none" ? "no role" : `the ${role} role`;
    await postReplyOnce(
      octokit,
      { owner, repo, issueNumber },
      `labeler:${deliveryId}`,
      `@${payload.sender.login} WAVE did not start: adding \`${config.trigger_label}\` needs the ${config.labeler_permission} role or higher on this repository, and you have ${has}.`,
    );
    return { kind: "refused", why: `labeler has ${role}, needs ${config.labeler_permission}` };
  }

  const parsed = parseStory(payload.issue, config.domain_labels);
  if (!parsed.ok) {
    await postReplyOnce(octokit, { owner, repo, issueNumber }, `story:${deliveryId}`, `WAVE did not start: ${parsed.reason}.`);
    return { kind: "refused", why: parsed.reason };
  }

  const stopped = await orgStop(deps.pool, owner);
  const row = await createStory(deps, {
    installationId: payload.installation.id,
    repoId: payload.repository.id,
    owner,
    repo,
    startedBy: payload.sender.login,
    story: parsed.story,
    config,
    orgStopped: stopped ? { by: stopped.by } : null,
    deliveryId,
    // The payload names the default branch: the plan gate need not ask GitHub for it again.
    baseBranch: config.base_branch ?? payload.repository.default_branch ?? null,
  });
  if (!row) {
    const again = await findLiveStory(deps.pool, payload.repository.id, issueNumber);
    return { kind: "already-live", storyId: again?.id ?? "unknown" };
  }
  return { kind: "started", storyId: row.id };
}

export function renderConfigError(error: ConfigError): string {
  const lines = [
    `**WAVE did not start: the configuration is invalid.**`,
    "",
    `File: \`${error.file}\``,
    "",
    "| key | problem |",
    "|---|---|",
    ...error.issues.map((i) => `| \`${i.key}\` | ${i.message.replace(/\|/g, "\\|").replace(/\n/g, " ")} |`),
    "",
    error.hint ?? "",
  ];
  return lines.join("\n").trimEnd() + "\n";
}
