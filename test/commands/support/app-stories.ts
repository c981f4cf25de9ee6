import { defaultConfig } from "../../../src/config/schema.js";
import { applyEvent } from "../../../src/engine/apply-event.js";
import { createStory } from "../../../src/engine/create-story.js";
import { silentLog } from "../../../src/engine/deps.js";
import { updateStoryFacts } from "../../../src/store/stories.js";
import type { StoryEvent } from "../../../src/story/events.js";
import type { TestApp } from "../../support/app-harness.js";
import { edit, examplePayload } from "./examples.js";

/**
 * Probot throttles each installation's writes to one a second (its default
 * throttling reaches installation clients even when the test app turns it
 * off), so tests that run many commands at once give each issue its own
 * installation: same behaviour, without a queue of reactions.
 */
export function installationFor(issueNumber: number): number {
  return 10_000 + issueNumber;
}

export interface RepoRef {
  owner: string;
  repo: string;
  repoId: number;
}

/** Where a test story should stand before the command under test arrives. */
export type Standing = "plan" | "planApproval" | "build" | "held" | "gateHeld" | "budgetHeld" | "emergencyHeld" | "reviewApproval";

const toStanding: Record<Standing, StoryEvent[]> = {
  plan: [],
  planApproval: [{ type: "PLAN_READY", by: "wave", summary: "2 steps" }],
  build: [
    { type: "PLAN_READY", by: "wave", summary: "2 steps" },
    { type: "APPROVE", by: "reviewer" },
    { type: "PREFLIGHT_PASSED", by: "wave", summary: "fits" },
  ],
  held: [{ type: "HOLD", by: "holder", reason: "wait for the release" }],
  // Holds placed by a failed gate, by the budget and by the emergency stop.
  gateHeld: [{ type: "PLAN_FAILED", by: "wave", reason: "the plan did not parse" }],
  budgetHeld: [{ type: "BUDGET_EXHAUSTED", by: "wave", reason: "story budget exhausted" }],
  emergencyHeld: [{ type: "EMERGENCY_STOP", by: "org-owner" }],
  reviewApproval: [
    { type: "PLAN_READY", by: "wave", summary: "2 steps" },
    { type: "APPROVE", by: "reviewer" },
    { type: "PREFLIGHT_PASSED", by: "wave", summary: "fits" },
    { type: "BUILD_DONE", by: "wave", filesChanged: 2 },
    { type: "VERIFY_PASSED", by: "wave" },
    { type: "SAFETY_PASSED", by: "wave", score: 0.97 },
    { type: "REVIEW_DONE", by: "wave", verdict: "looks right", pullRequest: 900 },
  ],
};

/**
 * A story made the way intake makes one (plan approval required, so a plan
 * waits for a person), then moved to `standing` with the statechart's own
 * events. Returns its id.
 */
export async function makeStory(
  app: TestApp,
  where: RepoRef,
  issueNumber: number,
  standing: Standing,
  startedBy = "starter",
): Promise<string> {
  const deps = { pool: app.pool, boss: app.boss, log: silentLog };
  const config = { ...defaultConfig(), require_plan_approval: true };
  const row = await createStory(deps, {
    installationId: installationFor(issueNumber),
    repoId: where.repoId,
    owner: where.owner,
    repo: where.repo,
    startedBy,
    story: {
      title: `Story ${issueNumber}`,
      body: "",
      acceptanceCriteria: ["works"],
      domains: [],
      issueNumber,
      url: `https://github.com/${where.owner}/${where.repo}/issues/${issueNumber}`,
    },
    config,
    orgStopped: null,
    deliveryId: `setup-${where.repo}-${issueNumber}`,
  });
  if (!row) throw new Error("story not created");
  for (const event of toStanding[standing]) {
    const result = await applyEvent(deps, row.id, event);
    if (!result.applied) throw new Error(`${event.type} did not apply while setting up ${standing}`);
  }
  if (standing === "reviewApproval") await updateStoryFacts(app.pool, row.id, { pullRequest: 900 });
  return row.id;
}

/** GitHub's issue_comment.created example, moved to a repository, issue, sender and text. */
export function commentPayload(
  where: RepoRef,
  issueNumber: number,
  commentId: number,
  sender: string,
  body: string,
  type: "User" | "Bot" = "User",
): Record<string, unknown> {
  const payload = edit(examplePayload("issue_comment", "created"), {
    body,
    sender: { login: sender, type },
    owner: { login: where.owner, type: "Organization" },
    repo: where.repo,
  });
  (payload.repository as { id: number }).id = where.repoId;
  (payload.issue as { number: number }).number = issueNumber;
  (payload.comment as { id: number }).id = commentId;
  payload.installation = { id: installationFor(issueNumber) };
  return payload;
}

/** Every delivery processed and every outbox effect delivered. */
export async function settled(app: TestApp, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.pool.query(
      `SELECT (SELECT count(*)::int FROM outbox WHERE delivered_at IS NULL) AS effects,
              (SELECT count(*)::int FROM webhook_deliveries WHERE processed_at IS NULL) AS deliveries,
              (SELECT max(last_error) FROM outbox WHERE delivered_at IS NULL) AS error`,
    );
    const row = res.rows[0] as { effects: number; deliveries: number; error: string | null };
    if (row.effects === 0 && row.deliveries === 0) return;
    if (Date.now() > deadline) {
      const jobs = await app.pool.query(
        `SELECT name, state, count(*)::int AS n, max(output::text) AS output FROM pgboss.job GROUP BY name, state`,
      );
      const activity = await app.pool.query(
        `SELECT state, wait_event_type, left(query, 120) AS q FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
      const stuck = await app.pool.query(
        `SELECT payload->'sender'->>'login' AS who, payload->'comment'->>'body' AS body FROM webhook_deliveries WHERE processed_at IS NULL LIMIT 8`,
      );
      throw new Error(
        `activity: ${JSON.stringify(activity.rows)}; stuck: ${JSON.stringify(stuck.rows)}; jobs: ${JSON.stringify(jobs.rows)}; ` +
          `not settled after ${timeoutMs} ms: ${row.effects} effects and ${row.deliveries} deliveries pending; last effect error: ${row.error ?? "none"}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The story's stored status and statechart context. */
export async function storyState(
  app: TestApp,
  id: string,
): Promise<{ status: string; gate: string; holds: Record<string, unknown>; step: string }> {
  const res = await app.pool.query(`SELECT status, gate, snapshot FROM stories WHERE id = $1`, [id]);
  const row = res.rows[0] as { status: string; gate: string; snapshot: { context: { holds: Record<string, unknown>; step: string } } };
  return { status: row.status, gate: row.gate, holds: row.snapshot.context.holds, step: row.snapshot.context.step };
}

/** The COMMAND audit rows, oldest first. */
export async function commandAudit(app: TestApp): Promise<{ story_id: string | null; actor: string; detail: Record<string, unknown> }[]> {
  const res = await app.pool.query(`SELECT story_id, actor, detail FROM audit_events WHERE event = 'COMMAND' ORDER BY id`);
  return res.rows as { story_id: string | null; actor: string; detail: Record<string, unknown> }[];
}
