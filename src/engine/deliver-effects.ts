import { stateDerived, type Effect } from "../effects/effect.js";
import type { GitHubClient } from "../github/client.js";
import { gitHubPort, type GitHubPort } from "../github/port.js";
import { describeRefusal, isPermanentRefusal } from "../github/refusal.js";
import { deadLetterReasons, markAttemptFailed, markDeadLettered, markDelivered, pendingEffects, type OutboxRow } from "../store/outbox.js";
import { loadStory } from "../store/stories.js";
import { orgStop } from "../store/org-controls.js";
import { githubCutOff } from "../onboarding/github-cut-off.js";
import type { EngineDeps } from "./deps.js";
import type { GitHubAuth, SandboxControl, StatusFacts } from "./ports.js";

export interface EffectPorts {
  github: GitHubAuth;
  /** The GitHub port over an installation's client; `gitHubPort` unless a test passes a fake. */
  port?: (client: GitHubClient) => GitHubPort;
  sandbox: SandboxControl;
  facts: StatusFacts;
}

/** What each effect does, for the line a user reads when GitHub refuses it. */
const doing: Record<Effect["kind"], string> = {
  "sync-issue": "update the status comment or labels",
  "sync-checks": "write the check runs",
  "stop-sandbox": "stop the sandbox",
  reply: "post a reply",
  "thread-reply": "reply in a review thread",
};

/**
 * Delivers a story's pending outbox effects in order. State-derived effects (the status
 * comment, stopping sandboxes) run once however many are pending. No effect can freeze the
 * others: one GitHub refuses for good is dead-lettered with its reason (shown in the status
 * comment and `wave/gates`, and logged) and the rest go on; a transient failure leaves its row
 * pending, the rest still run, and the job throws at the end so the queue retries it. While an
 * iteration on the open PR is in flight the status comment and check runs fold its gates into one
 * render at its start (`iterationInFlight`, applied where they are rendered).
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
    await markDelivered(
      deps.pool,
      pending.map((row) => row.id),
    );
    deps.log.info({ storyId, cutOff, dropped: pending.length }, "effects not sent to GitHub");
    return 0;
  }
  const github = (ports.port ?? ((client) => gitHubPort(client, deps.pool)))(await ports.github.forInstallation(story.installationId));
  const done = new Set<string>();
  let delivered = 0;
  let transient: unknown;
  for (const row of pending) {
    const kind = row.effect.kind;
    if (stateDerived.has(kind) && done.has(kind)) {
      await markDelivered(deps.pool, [row.id]);
      continue;
    }
    try {
      await deliverOne(
        row,
        row.effect,
        async () => {
          // Re-read: an earlier effect in this run may have stored ids (the status comment's).
          const fresh = (await loadStory(deps.pool, storyId)) ?? story;
          const stop = await orgStop(deps.pool, fresh.owner);
          const extras = await ports.facts.extras(fresh);
          const problems = await deadLetterReasons(deps.pool, storyId);
          await github.ensureStatusComment(fresh, { ...extras, emergencyStop: stop ? { by: stop.by } : null, problems });
        },
        async () => {
          const fresh = (await loadStory(deps.pool, storyId)) ?? story;
          await github.ensureCheckRuns(fresh);
        },
        ports,
        github,
        story.owner,
        story.repo,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (isPermanentRefusal(error)) {
        const reason = describeRefusal(doing[kind], error);
        await markDeadLettered(deps.pool, row.id, reason);
        deps.log.warn(
          { storyId, effect: kind, outboxId: row.id, status: error.status, route: error.route },
          `effect dead-lettered: ${reason}`,
        );
        done.add(kind);
        continue;
      }
      await markAttemptFailed(deps.pool, row.id, message);
      deps.log.warn({ storyId, effect: kind, outboxId: row.id, err: error }, "effect failed; it stays pending and is retried");
      transient ??= error;
      continue;
    }
    done.add(kind);
    await markDelivered(deps.pool, [row.id]);
    delivered++;
  }
  if (transient !== undefined) throw transient;
  return delivered;
}

async function deliverOne(
  row: OutboxRow,
  effect: Effect,
  sync: () => Promise<void>,
  syncPullRequest: () => Promise<void>,
  ports: EffectPorts,
  github: GitHubPort,
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
      return github.reply({ owner, repo, issueNumber: effect.issueNumber }, effect.key, effect.body);
    case "thread-reply":
      return github.replyInThread(
        row.storyId,
        { owner, repo, pullNumber: effect.pullNumber, commentId: effect.commentId },
        effect.key,
        effect.body,
      );
  }
}
