import { addStoryEffects, applyEvent } from "../engine/apply-event.js";
import { readPullRequestEvent } from "../github/read-webhook.js";
import { loadPullRequestFacts, saveHeadSha } from "../publish/pr-facts.js";
import { readSnapshot } from "../story/snapshot.js";
import { statusOf } from "../story/transition.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { findPullRequestStory } from "./find-pr-story.js";
import { repositoryId } from "./repository-id.js";
import { rescoreHead } from "./rescore-head.js";

/**
 * `pull_request.synchronize` on a WAVE branch. WAVE's own publish is ignored.
 * A push by someone else moves the story's head: the safety gate re-scores the
 * PR's diff at the new head, and the check runs follow it (new runs on the new
 * SHA). A blocked score holds the story; so does a push after the approval,
 * which needs a person's `/wave unhold` (their re-approval) before `wave/gates`
 * turns green again.
 */
export function pullRequestSynchronize(env: NodeJS.ProcessEnv): DeliveryHandler {
  return async (delivery, { deps, github }) => {
    const event = readPullRequestEvent(delivery.payload);
    if (!event || event.kind !== "pushed") return "ignored: not a push to a WAVE pull request";
    const story = await findPullRequestStory(deps.pool, {
      repoId: repositoryId(delivery.payload),
      storyId: event.storyId,
      pullRequest: event.pullNumber,
    });
    if (!story) return `ignored: no story owns PR #${event.pullNumber}`;
    const facts = await loadPullRequestFacts(deps.pool, story.id);
    if (event.headSha === facts.publishedSha) return `story ${story.id}: WAVE's own commit ${event.headSha.slice(0, 7)}`;
    const snapshot = readSnapshot(story.snapshot, story.machineVersion);
    const status = statusOf(snapshot);
    if (status === "killed" || status === "done") return `ignored: story ${story.id} is ${status}`;
    if (story.headSha === event.headSha) return `story ${story.id}: head ${event.headSha.slice(0, 7)} already seen`;

    const octokit = await github.forInstallation(story.installationId);
    const base = (await deps.pool.query(`SELECT base_branch FROM stories WHERE id = $1`, [story.id])).rows[0] as
      { base_branch: string | null } | undefined;
    const baseBranch = base?.base_branch ?? story.config.base_branch ?? "main";
    const verdict = await rescoreHead(octokit, deps.pool, env, story, { baseBranch, headSha: event.headSha });
    await saveHeadSha(deps.pool, story.id, event.headSha);
    const short = event.headSha.slice(0, 7);
    const why = verdict.reasons.join("; ") || "no reason given";
    let outcome = `safety ${verdict.score.toFixed(2)} (${verdict.decision}) on ${short}`;
    if (verdict.decision === "block") {
      const r = await applyEvent(
        deps,
        story.id,
        {
          type: "GATE_FAILED",
          by: event.senderLogin,
          reason: `@${event.senderLogin} pushed ${short}; its safety score is ${verdict.score.toFixed(2)}: ${why}`,
        },
        { deliveryId: delivery.id },
      );
      outcome += r.applied ? "; story held" : "";
    } else if (snapshot.context.step === "merge" && status === "active") {
      const r = await applyEvent(
        deps,
        story.id,
        {
          type: "GATE_FAILED",
          by: event.senderLogin,
          reason: `@${event.senderLogin} pushed ${short} after the approval; review the new commits, then \`/wave unhold\` to approve them`,
        },
        { deliveryId: delivery.id },
      );
      outcome += r.applied ? "; approval withdrawn until a person unholds" : "";
    }
    // The transition (if any) queues sync-checks too; this covers the case without one. They collapse.
    await addStoryEffects(deps, story.id, [{ kind: "sync-checks" }]);
    return `story ${story.id}: ${outcome}`;
  };
}
