import { ProbotOctokit } from "probot";
import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSenderDirectory } from "../../src/commands/github/sender-directory.js";
import { commandHandlers, handleCommandDelivery } from "../../src/commands/handle-command-event.js";
import { silentLog } from "../../src/engine/deps.js";
import type { GitHubClient } from "../../src/github/client.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { commandAudit, commentPayload, installationFor, makeStory, settled, storyState, type RepoRef } from "./support/app-stories.js";
import { edit, examplePayload } from "./support/examples.js";
import { fakeGitHub, type FakeGitHub } from "./support/fake-github.js";

/**
 * What a person sees after a command, through the running app: reactions,
 * replies only for errors, status and help, reviews answered in words, the
 * check-run buttons under the same permission check, and the audit trail.
 */
let app: TestApp;
let github: FakeGitHub;
const where: RepoRef = { owner: "feedback-org", repo: "app", repoId: 9101 };
const other: RepoRef = { owner: "feedback-org", repo: "other", repoId: 9102 };

function replies(issue: number, repo: RepoRef = where): string[] {
  return github
    .commentsOn(`${repo.owner}/${repo.repo}`, issue)
    .filter((c) => c.body.includes("wave:reply="))
    .map((c) => c.body);
}

async function send(name: string, payload: Record<string, unknown>, deliveryId?: string): Promise<void> {
  const res = await app.send(name, payload, deliveryId);
  expect(res.status).toBe(200);
  await settled(app);
}

function reviewPayload(pullRequest: number, sender: string, body: string): Record<string, unknown> {
  const payload = edit(examplePayload("pull_request_review", "submitted"), {
    body,
    sender: { login: sender, type: "User" },
    owner: { login: where.owner, type: "Organization" },
    repo: where.repo,
  });
  (payload.repository as { id: number }).id = where.repoId;
  (payload.pull_request as { number: number }).number = pullRequest;
  payload.installation = { id: installationFor(pullRequest) };
  return payload;
}

function buttonPayload(
  storyId: string,
  identifier: string,
  sender: string,
  options: { name?: string; pullRequest?: number; installation: number },
): Record<string, unknown> {
  const payload = edit(examplePayload("check_run", "requested_action"), {
    identifier,
    sender: { login: sender, type: "User" },
    owner: { login: where.owner, type: "Organization" },
    repo: where.repo,
  });
  (payload.repository as { id: number }).id = where.repoId;
  const run = payload.check_run as { external_id: string; name: string; pull_requests: { number: number }[] };
  run.external_id = storyId;
  run.name = options.name ?? "wave/gates";
  run.pull_requests = options.pullRequest ? [{ ...run.pull_requests[0], number: options.pullRequest }] : [];
  payload.installation = { id: options.installation };
  return payload;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  github = fakeGitHub();
  github.roles.set("maintainer", "maintain");
  github.roles.set("writer", "write");
  github.roles.set("triager", "triage");
  github.roles.set("reader", "read");
  app = await startTestApp({ handlers: () => commandHandlers(), workers: { deliveryConcurrency: 4, effectsConcurrency: 4 } });
}, 120_000);

afterAll(async () => {
  await app.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("issues without a story", () => {
  it("answers a story command with a reply saying there is no story, and help with help", async () => {
    await send("issue_comment", commentPayload(where, 10, 810_010, "maintainer", "/wave hold please"));
    expect(github.reactions.get(810_010)).toEqual(["eyes", "confused"]);
    expect(replies(10)[0]).toContain("there is no WAVE story on this issue, so nothing was done");
    const row = (await commandAudit(app)).find((a) => a.detail.number === 10);
    expect(row).toMatchObject({
      story_id: null,
      actor: "maintainer",
      detail: { verdict: "invalid", note: "no WAVE story here", role: "maintain", commands: ["/wave hold please"] },
    });

    await send("issue_comment", commentPayload(where, 11, 810_011, "reader", "/wave help"));
    expect(github.reactions.get(810_011)).toEqual(["eyes", "+1"]);
    expect(replies(11)[0]).toContain("### WAVE commands");
  });
});

describe("replies only for errors, status and help", () => {
  it("says what the story waits for when an approval does not apply, instead of silence", async () => {
    const id = await makeStory(app, where, 20, "plan");
    await send("issue_comment", commentPayload(where, 20, 810_020, "writer", "/wave approve"));
    expect(github.reactions.get(810_020)).toEqual(["eyes", "confused"]);
    expect(replies(20)[0]).toContain("`/wave approve` did nothing: nothing waits for approval. The story is working at G1 Plan");
    expect(await storyState(app, id)).toMatchObject({ status: "active", step: "plan" });
    const row = (await commandAudit(app)).find((a) => a.story_id === id);
    expect(row?.detail).toMatchObject({ verdict: "accepted", note: "approve: did not apply" });
  });

  it("offers the closest command and the help for an unknown one, and runs nothing of the comment", async () => {
    const id = await makeStory(app, where, 21, "plan");
    await send("issue_comment", commentPayload(where, 21, 810_021, "maintainer", "/wave hold for now\n/wave aprove"));
    expect(github.reactions.get(810_021)).toEqual(["eyes", "confused"]);
    expect(replies(21)[0]).toContain("I do not know `/wave aprove`. Did you mean `/wave approve`?");
    expect(replies(21)[0]).toContain("### WAVE commands");
    expect((await storyState(app, id)).status).toBe("active");
    const row = (await commandAudit(app)).find((a) => a.story_id === id);
    expect(row?.detail).toMatchObject({ verdict: "invalid", role: null, commands: ["/wave hold for now", "/wave aprove"] });
  });

  it("refuses contradicting commands whole, with the reason", async () => {
    const id = await makeStory(app, where, 22, "held");
    await send("issue_comment", commentPayload(where, 22, 810_022, "maintainer", "/wave unhold\n/wave hold again"));
    expect(replies(22)[0]).toContain(
      "`/wave unhold` and `/wave hold` contradict each other: one pauses the story and the other lifts the pause.",
    );
    expect((await storyState(app, id)).status).toBe("held");
  });

  it("runs nothing from an edited comment or from code, and does not even react", async () => {
    const id = await makeStory(app, where, 23, "plan");
    const edited = commentPayload(where, 23, 810_023, "maintainer", "/wave kill changed my mind");
    edited.action = "edited";
    await send("issue_comment", edited, "edited-delivery");
    await send(
      "issue_comment",
      commentPayload(where, 23, 810_024, "maintainer", "Try this:\n\n```\n/wave kill example\n```\n> /wave kill quoted\n"),
      "code-delivery",
    );
    expect(github.reactions.has(810_023)).toBe(false);
    expect(github.reactions.has(810_024)).toBe(false);
    expect((await storyState(app, id)).status).toBe("active");
    const outcomes = await app.pool.query(
      `SELECT delivery_id, outcome FROM webhook_deliveries WHERE delivery_id IN ('edited-delivery', 'code-delivery') ORDER BY delivery_id`,
    );
    expect(outcomes.rows).toEqual([
      { delivery_id: "code-delivery", outcome: "ignored: no commands" },
      // Edits are not even routed to the commands layer.
      { delivery_id: "edited-delivery", outcome: "ignored: issue_comment.edited is not handled" },
    ]);
  });

  it("answers /wave status with the story's state and its last commands, accepted and refused", async () => {
    const id = await makeStory(app, where, 24, "plan");
    await send("issue_comment", commentPayload(where, 24, 810_025, "reader", "/wave kill nope"));
    await send("issue_comment", commentPayload(where, 24, 810_026, "triager", "/wave hold waiting for design"));
    await send("issue_comment", commentPayload(where, 24, 810_027, "reader", "/wave status"));
    const status = replies(24).find((body) => body.includes("### WAVE status")) ?? "";
    expect(status).toContain("- **Gate:** G1 Plan (held)");
    expect(status).toContain("- **On hold** by `triager`: waiting for design");
    expect(status).toMatch(/\| `reader` \| – \| \/wave status \| accepted \|/);
    expect(status).toMatch(/\| `triager` \| triage \| \/wave hold waiting for design \| accepted: hold: HOLD applied \|/);
    expect(status).toMatch(/\| `reader` \| read \| \/wave kill nope \| refused: needs maintain; has read \|/);
    expect((await storyState(app, id)).status).toBe("held");
  });
});

describe("reactions", () => {
  it("still runs the command when the comment cannot take a reaction (deleted meanwhile)", async () => {
    const id = await makeStory(app, where, 25, "plan");
    github.gone.add(810_028);
    await send("issue_comment", commentPayload(where, 25, 810_028, "triager", "/wave hold"));
    expect((await storyState(app, id)).status).toBe("held");
    expect(github.reactions.has(810_028)).toBe(false);
  });
});

describe("reviews and check-run buttons", () => {
  it("approves from a review and says so in words, since reviews take no reactions", async () => {
    const id = await makeStory(app, where, 30, "reviewApproval");
    await send("pull_request_review", reviewPayload(900, "writer", "Looks good.\n\n/wave approve"));
    expect(await storyState(app, id)).toMatchObject({ status: "active", step: "merge" });
    expect(replies(900)[0]).toContain("Done: `/wave approve`.");
    const row = (await commandAudit(app)).find((a) => a.story_id === id);
    expect(row?.detail).toMatchObject({ source: "pull_request_review", verdict: "accepted", number: 900 });
  });

  it("turns button clicks into the same commands with the same permission check on whoever clicked", async () => {
    const id = await makeStory(app, where, 31, "plan");
    await send("check_run", buttonPayload(id, "approve", "reader", { installation: installationFor(31) }));
    // Refused: said on the story's issue (the run has no pull request yet), naming both roles.
    expect(replies(31)[0]).toContain("`/wave approve` needs the **write** role or above; you have the **read** role on feedback-org/app.");
    await send("check_run", buttonPayload(id, "hold", "triager", { installation: installationFor(31) }));
    expect(await storyState(app, id)).toMatchObject({
      status: "held",
      holds: { people: [{ by: "triager", reason: "held with the check-run button" }] },
    });
    await send("check_run", buttonPayload(id, "unhold", "triager", { installation: installationFor(31) }));
    expect((await storyState(app, id)).status).toBe("active");
    const rows = (await commandAudit(app))
      .filter((a) => a.story_id === id)
      .map((a) => [a.actor, a.detail.source, a.detail.verdict, a.detail.commands]);
    expect(rows).toEqual([
      ["reader", "check_run", "refused", ["/wave approve"]],
      ["triager", "check_run", "accepted", ["/wave hold held with the check-run button"]],
      ["triager", "check_run", "accepted", ["/wave unhold"]],
    ]);
    expect(replies(31)).toHaveLength(1);
  });

  it("ignores buttons of other check runs, and a story id that belongs to another repository", async () => {
    const foreign = await makeStory(app, other, 32, "plan");
    await send(
      "check_run",
      buttonPayload(foreign, "hold", "maintainer", { installation: installationFor(32), pullRequest: 932 }),
      "foreign-button",
    );
    expect((await storyState(app, foreign)).status).toBe("active");
    expect(replies(932)[0]).toContain("there is no WAVE story for this pull request");
    const own = await makeStory(app, where, 33, "plan");
    await send(
      "check_run",
      buttonPayload(own, "hold", "maintainer", { installation: installationFor(33), name: "API Review" }),
      "other-run",
    );
    expect((await storyState(app, own)).status).toBe("active");
    const outcome = await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id = 'other-run'`);
    expect(outcome.rows[0]).toEqual({ outcome: "ignored: button on API Review" });
  });
});

describe("a retried delivery", () => {
  it("repeats nothing: one audit row, one raise of the budget, one event, one reply", async () => {
    const id = await makeStory(app, where, 40, "plan");
    const quiet = () => undefined;
    // Probot's client, as the app has: configuration is read through its config plugin.
    const octokit = new ProbotOctokit({
      auth: { token: "ghs_test" },
      throttle: { enabled: false },
      retry: { enabled: false },
      log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
    });
    const context = {
      deps: { pool: app.pool, boss: app.boss, log: silentLog },
      github: { forInstallation: async () => octokit as unknown as GitHubClient },
      directory: createSenderDirectory(),
    };
    const delivery = {
      id: "retried-delivery",
      event: "issue_comment",
      action: "created",
      installationId: installationFor(40),
      payload: commentPayload(where, 40, 810_040, "maintainer", "/wave budget +3\n/wave status"),
    };
    const first = await handleCommandDelivery(delivery, context);
    const second = await handleCommandDelivery(delivery, context);
    expect(first).toBe("commands accepted: budget: BUDGET_RAISED applied");
    expect(second).toBe(first);
    const raises = await app.pool.query(`SELECT amount_usd FROM story_budget_raises WHERE story_id = $1`, [id]);
    expect(raises.rows.map((r: { amount_usd: string }) => Number(r.amount_usd))).toEqual([3]);
    const events = await app.pool.query(
      `SELECT event FROM audit_events WHERE story_id = $1 AND detail->>'deliveryId' = 'retried-delivery' ORDER BY id`,
      [id],
    );
    expect(events.rows.map((r: { event: string }) => r.event)).toEqual(["BUDGET_RAISED", "COMMAND"]);
    expect(replies(40)).toHaveLength(1);
    expect(replies(40)[0]).toContain("- **Budget:** 0.00 of 7.00 USD spent");
    expect(github.reactions.get(810_040)).toEqual(["eyes", "+1"]);
  });
});
