import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleCommandDelivery, commandHandlers } from "../../src/commands/handle-command-event.js";
import type { CommandName } from "../../src/commands/command-catalog.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { commandAudit, commentPayload, makeStory, settled, storyState, type RepoRef, type Standing } from "./support/app-stories.js";
import { fakeGitHub, type FakeGitHub } from "./support/fake-github.js";

/**
 * The permission matrix, command × role, end to end: GitHub's example
 * issue_comment payload, signed and delivered to the running app, roles from
 * the (nocked) collaborator permission API, the story in real Postgres.
 */
let app: TestApp;
let github: FakeGitHub;
const where: RepoRef = { owner: "octo-org", repo: "matrix", repoId: 7001 };
const roles = ["none", "read", "triage", "write", "maintain", "admin"] as const;
type Role = (typeof roles)[number];

interface Case {
  command: Exclude<CommandName, "stop-all" | "resume-all">;
  text: string;
  standing: Standing;
  least: Role;
  /** What the story looks like once the command ran. */
  after: { status: string; gate?: string };
}

const cases: Case[] = [
  { command: "status", text: "/wave status", standing: "plan", least: "none", after: { status: "active", gate: "plan" } },
  { command: "help", text: "/wave help", standing: "plan", least: "none", after: { status: "active", gate: "plan" } },
  { command: "hold", text: "/wave hold matrix check", standing: "plan", least: "triage", after: { status: "held", gate: "plan" } },
  { command: "unhold", text: "/wave unhold", standing: "held", least: "maintain", after: { status: "active", gate: "plan" } },
  { command: "unhold", text: "/wave unhold", standing: "gateHeld", least: "maintain", after: { status: "active", gate: "plan" } },
  { command: "approve", text: "/wave approve", standing: "planApproval", least: "write", after: { status: "active", gate: "preflight" } },
  { command: "kill", text: "/wave kill not wanted", standing: "plan", least: "maintain", after: { status: "killed" } },
  {
    command: "recycle",
    text: "/wave recycle use the existing helper",
    standing: "build",
    least: "write",
    after: { status: "active", gate: "build" },
  },
  { command: "retry", text: "/wave retry", standing: "gateHeld", least: "write", after: { status: "active", gate: "plan" } },
  { command: "budget", text: "/wave budget +2.50", standing: "plan", least: "maintain", after: { status: "active", gate: "plan" } },
];

const standingBefore: Record<Standing, { status: string; gate: string }> = {
  plan: { status: "active", gate: "plan" },
  planApproval: { status: "active", gate: "plan" },
  build: { status: "active", gate: "build" },
  held: { status: "held", gate: "plan" },
  gateHeld: { status: "held", gate: "plan" },
  budgetHeld: { status: "held", gate: "plan" },
  emergencyHeld: { status: "held", gate: "plan" },
  reviewApproval: { status: "active", gate: "review" },
};

interface Cell {
  case: Case;
  role: Role;
  login: string;
  issue: number;
  commentId: number;
  storyId: string;
  allowed: boolean;
}
const cells: Cell[] = [];
const special: Record<string, { issue: number; commentId: number; storyId: string }> = {};

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  github = fakeGitHub();
  for (const role of roles) if (role !== "none") github.roles.set(`u-${role}`, role);
  github.roles.set("holder", "triage");
  github.roles.set("tess", "triage");
  github.roles.set("starter-admin", "admin");
  app = await startTestApp({ handlers: () => commandHandlers(), workers: { deliveryConcurrency: 6, effectsConcurrency: 6 } });

  let issue = 100;
  for (const c of cases) {
    for (const role of roles) {
      issue++;
      const storyId = await makeStory(app, where, issue, c.standing);
      cells.push({
        case: c,
        role,
        login: `u-${role}`,
        issue,
        commentId: 900_000 + issue,
        storyId,
        allowed: roles.indexOf(role) >= roles.indexOf(c.least),
      });
    }
  }
  special.starterApproves = { issue: 501, commentId: 900_501, storyId: await makeStory(app, where, 501, "planApproval", "starter-admin") };
  special.starterHolds = { issue: 502, commentId: 900_502, storyId: await makeStory(app, where, 502, "plan", "outsider-starter") };
  special.placerUnholds = { issue: 503, commentId: 900_503, storyId: await makeStory(app, where, 503, "held") };
  special.bot = { issue: 504, commentId: 900_504, storyId: await makeStory(app, where, 504, "plan") };
  // The setup's own status comments are not under test here; the commands' effects are.
  await app.pool.query(`UPDATE outbox SET delivered_at = now()`);

  const sends = cells.map((cell) =>
    app.send("issue_comment", commentPayload(where, cell.issue, cell.commentId, cell.login, cell.case.text)),
  );
  sends.push(app.send("issue_comment", commentPayload(where, 501, 900_501, "starter-admin", "/wave approve")));
  sends.push(app.send("issue_comment", commentPayload(where, 502, 900_502, "outsider-starter", "/wave hold I need to check something")));
  sends.push(app.send("issue_comment", commentPayload(where, 503, 900_503, "holder", "/wave unhold")));
  sends.push(app.send("issue_comment", commentPayload(where, 504, 900_504, "wave-helper[bot]", "/wave kill loop", "Bot"), "bot-delivery"));
  sends.push(app.send("issue_comment", commentPayload(where, 504, 900_505, "dependabot", "/wave kill loop", "Bot"), "bot-delivery-2"));
  for (const res of await Promise.all(sends)) expect(res.status).toBe(200);
  await settled(app, 120_000);

  // Holds placed by a gate, the budget and the emergency stop, tried as an attacker and as a new user would.
  for (const [name, issue, standing, startedBy] of [
    ["triageHoldThenUnhold", 601, "gateHeld", "starter"],
    ["starterHoldThenUnhold", 602, "gateHeld", "outsider-starter"],
    ["adminUnholdsBudget", 603, "budgetHeld", "starter"],
    ["adminUnholdsEmergency", 604, "emergencyHeld", "starter"],
    ["adminRetriesBudget", 605, "budgetHeld", "starter"],
    ["adminRetriesEmergency", 606, "emergencyHeld", "starter"],
    ["retryNothingFailed", 607, "plan", "starter"],
    ["approveNothingAwaits", 608, "plan", "starter"],
    ["budgetLiftsBudgetHold", 609, "budgetHeld", "starter"],
  ] as const) {
    special[name] = { issue, commentId: 900_000 + issue, storyId: await makeStory(app, where, issue, standing, startedBy) };
  }
  await app.pool.query(`UPDATE outbox SET delivered_at = now()`);
  const first: [string, string, string][] = [
    ["triageHoldThenUnhold", "tess", "/wave hold x"],
    ["starterHoldThenUnhold", "outsider-starter", "/wave hold x"],
    ["adminUnholdsBudget", "u-admin", "/wave unhold"],
    ["adminUnholdsEmergency", "u-admin", "/wave unhold"],
    ["adminRetriesBudget", "u-admin", "/wave retry"],
    ["adminRetriesEmergency", "u-admin", "/wave retry"],
    ["retryNothingFailed", "u-write", "/wave retry"],
    ["approveNothingAwaits", "u-write", "/wave approve"],
    ["budgetLiftsBudgetHold", "u-maintain", "/wave budget +5"],
  ];
  const firstSends = first.map(([name, login, text]) =>
    app.send("issue_comment", commentPayload(where, special[name]!.issue, special[name]!.commentId, login, text)),
  );
  for (const res of await Promise.all(firstSends)) expect(res.status).toBe(200);
  await settled(app, 120_000);
  // Then the placer's unhold, once their hold is in place.
  const second = (["triageHoldThenUnhold", "starterHoldThenUnhold"] as const).map((name, i) =>
    app.send(
      "issue_comment",
      commentPayload(where, special[name]!.issue, special[name]!.commentId + 50, i === 0 ? "tess" : "outsider-starter", "/wave unhold"),
    ),
  );
  for (const res of await Promise.all(second)) expect(res.status).toBe(200);
  await settled(app, 120_000);
}, 360_000);

afterAll(async () => {
  await app.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("the permission matrix through the app (defaults)", () => {
  it.each(cases.map((c) => [`${c.command} (${c.standing})`, c] as const))(
    "%s: allowed from its least role up, refused below with both roles named",
    async (_name, c) => {
      const audit = await commandAudit(app);
      for (const cell of cells.filter((x) => x.case === c)) {
        const label = `${c.command} by ${cell.role}`;
        const row = audit.find((a) => a.story_id === cell.storyId && a.actor === cell.login);
        expect(row?.detail, label).toMatchObject({
          verdict: cell.allowed ? "accepted" : "refused",
          source: "issue_comment",
          commands: [expect.stringMatching(new RegExp(`^/wave ${c.command}`))],
        });
        expect(github.reactions.get(cell.commentId), label).toEqual(["eyes", cell.allowed ? "+1" : "confused"]);
        const state = await storyState(app, cell.storyId);
        const expected = cell.allowed ? c.after : standingBefore[c.standing];
        expect(state, label).toMatchObject(expected);
        const replies = github
          .commentsOn(`${where.owner}/${where.repo}`, cell.issue)
          .filter((comment) => comment.body.includes("wave:reply="));
        if (!cell.allowed) {
          expect(replies, label).toHaveLength(1);
          const has = cell.role === "none" ? "**no role**" : `the **${cell.role}** role`;
          expect(replies[0]?.body, label).toContain(`\`/wave ${c.command}\` needs the **${c.least}** role or above`);
          expect(replies[0]?.body, label).toContain(`you have ${has} on octo-org/matrix`);
        } else if (c.command === "status") {
          expect(replies[0]?.body, label).toMatch(/### WAVE status: \\#\d+ Story/);
          expect(replies[0]?.body, label).toContain("/wave status");
        } else if (c.command === "help") {
          expect(replies[0]?.body, label).toContain("### WAVE commands");
        } else {
          // Done is said with 👍, not with a comment.
          expect(replies, label).toHaveLength(0);
        }
        // The role is recorded once it was looked up; status and help never look it up.
        expect(row?.detail.role, label).toBe(c.least === "none" ? null : cell.role);
      }
    },
  );

  it("raises the budget once for each sender allowed to, and for no one else", async () => {
    const raises = await app.pool.query(`SELECT story_id, amount_usd, actor FROM story_budget_raises WHERE story_id <> $1 ORDER BY actor`, [
      special.budgetLiftsBudgetHold!.storyId,
    ]);
    const budgetCells = cells
      .filter((cell) => cell.case.command === "budget" && cell.allowed)
      .sort((a, b) => a.login.localeCompare(b.login));
    expect(
      raises.rows.map((r: { story_id: string; actor: string; amount_usd: string }) => [r.actor, r.story_id, Number(r.amount_usd)]),
    ).toEqual(budgetCells.map((cell) => [cell.login, cell.storyId, 2.5]));
  });

  it("never lets the starter approve, whatever their role", async () => {
    const { issue, commentId, storyId } = special.starterApproves!;
    expect(github.reactions.get(commentId)).toEqual(["eyes", "confused"]);
    expect(await storyState(app, storyId)).toMatchObject({ status: "active", step: "planApproval" });
    const reply = github.commentsOn("octo-org/matrix", issue).find((comment) => comment.body.includes("wave:reply="));
    expect(reply?.body).toContain("you started this story");
  });

  it("lets the starter hold without any role, and whoever placed a hold lift it", async () => {
    expect(github.reactions.get(special.starterHolds!.commentId)).toEqual(["eyes", "+1"]);
    expect(await storyState(app, special.starterHolds!.storyId)).toMatchObject({
      status: "held",
      holds: { people: [{ by: "outsider-starter", reason: "I need to check something" }] },
    });
    expect(github.reactions.get(special.placerUnholds!.commentId)).toEqual(["eyes", "+1"]);
    expect(await storyState(app, special.placerUnholds!.storyId)).toMatchObject({ status: "active", step: "plan" });
  });

  it("lets a hold's placer lift their own hold and never a failed gate's: triage and the starter stay held by the plan gate", async () => {
    for (const name of ["triageHoldThenUnhold", "starterHoldThenUnhold"]) {
      const { issue, commentId, storyId } = special[name]!;
      expect(github.reactions.get(commentId), name).toEqual(["eyes", "+1"]);
      // The unhold was allowed (placer), lifted the placer's hold, and said the gate still holds.
      expect(github.reactions.get(commentId + 50), name).toEqual(["eyes", "confused"]);
      const state = await storyState(app, storyId);
      expect(state, name).toMatchObject({ status: "held", step: "plan" });
      expect(state.holds, name).toEqual({ gate: { gate: "plan", reason: "the plan did not parse" } });
      const reply = github
        .commentsOn("octo-org/matrix", issue)
        .find((comment) => comment.body.includes("wave:reply=") && comment.body.includes("lifted what it could"));
      expect(reply?.body, name).toContain(
        "the plan gate (the plan did not parse), lifted by `/wave retry` (write and above), or `/wave unhold` by maintain and above",
      );
    }
  });

  it("lifts the budget's hold and the emergency stop with nothing but their own release, even for an admin", async () => {
    for (const [name, still] of [
      ["adminUnholdsBudget", "`/wave budget +<usd>`"],
      ["adminUnholdsEmergency", "`/wave resume-all`"],
      ["adminRetriesBudget", "`/wave budget +<usd>`"],
      ["adminRetriesEmergency", "`/wave resume-all`"],
    ] as const) {
      const { issue, commentId, storyId } = special[name]!;
      expect(github.reactions.get(commentId), name).toEqual(["eyes", "confused"]);
      expect(await storyState(app, storyId), name).toMatchObject({ status: "held" });
      const reply = github.commentsOn("octo-org/matrix", issue).find((comment) => comment.body.includes("wave:reply="));
      expect(reply?.body, name).toMatch(/did nothing: no (hold in place is one you may lift|gate failed)/);
      expect(reply?.body, name).toContain(still);
    }
    const raised = special.budgetLiftsBudgetHold!;
    expect(github.reactions.get(raised.commentId)).toEqual(["eyes", "+1"]);
    expect(await storyState(app, raised.storyId)).toMatchObject({ status: "active", step: "plan", holds: {} });
  });

  it("answers a retry with nothing failed and an approve with nothing awaiting with 😕 and why, changing nothing", async () => {
    const retry = special.retryNothingFailed!;
    expect(github.reactions.get(retry.commentId)).toEqual(["eyes", "confused"]);
    const retryReply = github.commentsOn("octo-org/matrix", retry.issue).find((comment) => comment.body.includes("wave:reply="));
    expect(retryReply?.body).toContain("`/wave retry` did nothing: nothing failed, so there is nothing to retry.");
    const row = await app.pool.query(`SELECT snapshot FROM stories WHERE id = $1`, [retry.storyId]);
    expect(
      (row.rows[0] as { snapshot: { context: { decisions: { decision: string }[] } } }).snapshot.context.decisions.map((d) => d.decision),
    ).not.toContain("retry");
    const approve = special.approveNothingAwaits!;
    expect(github.reactions.get(approve.commentId)).toEqual(["eyes", "confused"]);
    const approveReply = github.commentsOn("octo-org/matrix", approve.issue).find((comment) => comment.body.includes("wave:reply="));
    expect(approveReply?.body).toContain("`/wave approve` did nothing: nothing waits for approval.");
  });

  it("ignores bots before any API call: no reaction, no audit row, the story untouched", async () => {
    expect(github.reactions.has(900_504)).toBe(false);
    expect(github.reactions.has(900_505)).toBe(false);
    expect((await commandAudit(app)).filter((a) => a.story_id === special.bot!.storyId)).toEqual([]);
    expect(await storyState(app, special.bot!.storyId)).toMatchObject({ status: "active" });
    const outcomes = await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id IN ('bot-delivery', 'bot-delivery-2')`);
    expect(outcomes.rows.map((r: { outcome: string }) => r.outcome)).toEqual(["ignored: bot", "ignored: bot"]);
  });

  it("exports one handler for each event that can carry commands", () => {
    expect(commandHandlers()).toEqual({
      "issue_comment.created": handleCommandDelivery,
      "pull_request_review.submitted": handleCommandDelivery,
      "check_run.requested_action": handleCommandDelivery,
    });
  });
});
