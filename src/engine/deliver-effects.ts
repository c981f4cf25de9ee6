import { postReplyOnce } from "../effects/post-reply.js";
import { stateDerived, type Effect } from "../effects/effect.js";
import { syncIssue } from "../effects/sync-issue.js";
import { syncChecks } from "../publish/sync-checks.js";
import { markAttemptFailed, markDelivered, pendingEffects, type OutboxRow } from "../store/outbox.js";
import { loadStory } from "../store/stories.js";
import { orgStop } from "../store/org-controls.js";
import { githubCutOff } from "../onboarding/github-cut-off.js";
import type { EngineDeps } from "./deps.js";
import type { GitHubAuth, SandboxControl, StatusFacts } from "./ports.js";

export interface EffectPorts {
  github: GitHubAuth;
  sandbox: SandboxControl;
  facts: StatusFacts;
}

/**
 * Delivers a story's pending outbox effects in order. State-derived effects
 * (the status comment, stopping sandboxes) run once however many are pending.
 * A failure leaves the rest pending and throws, so the job retries with backoff.
 */
export async function deliverEffects(deps: EngineDeps, ports: EffectPorts, storyId: string): Promise<number> {
  const pending = await pendingEffects(deps.pool, storyId);
  if (pending.length === 0) return 0;
  const story = await loadStory(deps.pool, storyId);
  if (!story) throw new Error(`story ${storyId} does not exist`);
  const cutOff = await githubCutOff(deps.pool, story.installationId, story.repoId);
  if (cutOff) {
    // No GitHub request (not even a token) for a suspended or removed installation: the sandbox still stops, the rest is dropped.
    if (pending.some((row) => row.effect.kind === "stop-sandbox")) await ports.sandbox.stopStory(storyId);
    await markDelivered(deps.pool, pending.map((row) => row.id));
    deps.log.info({ storyId, cutOff, dropped: pending.length }, "effects not sent to GitHub");
    return 0;
  }
  const octokit = await ports.github.forInstallation(story.installationId);
  const done = new Set<string>();
  let delivered = 0;
  for (const row of pending) {
    const kind = row.effect.kind;
    if (stateDerived.has(kind) && done.has(kind)) {
      await markDelivered(deps.pool, [row.id]);
      continue;
    }
    try {
      await deliverOne(row, row.effect, async () => {
        // Re-read: an earlier effect in this run may have stored ids (the status comment's).
        const fresh = (await loadStory(deps.pool, storyId)) ?? story;
        const stop = await orgStop(deps.pool, fresh.owner);
        const extras = await ports.facts.extras(fresh);
        await syncIssue(octokit, deps.pool, fresh, { ...extras, emergencyStop: stop ? { by: stop.by } : null });
      }, async () => {
        const fresh = (await loadStory(deps.pool, storyId)) ?? story;
        await syncChecks(octokit, deps.pool, fresh);
      }, ports, octokit, story.owner, story.repo);
    } catch (error) {
      await markAttemptFailed(deps.pool, row.id, error instanceof Error ? error.message : String(error));
      throw error;
    }
    done.add(kind);
    await markDelivered(deps.pool, [row.id]);
    delivered++;
  }
  return delivered;
}

async function deliverOne(
  row: OutboxRow,
  effect: Effect,
  sync: () => Promise<void>,
  syncPullRequest: () => Promise<void>,
  ports: EffectPorts,
  octokit: Awaited<ReturnType<GitHubAuth["forInstallation"]>>,
  owner: string,
  repo: string,
): Promise<void> {
  switch (effect.kind) {
    case "sync-issue":
      return sync();
    case "sync-checks":
      return syncPullRequest();
    case "stop-sandbox":
      return ports.sandbox.stopStory(row.storyId);
    case "reply":
      return postReplyOnce(octokit, { owner, repo, issueNumber: effect.issueNumber }, effect.key, effect.body);
  }
}
