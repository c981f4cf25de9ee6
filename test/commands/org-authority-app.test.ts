import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHandlers } from "../../src/commands/handle-command-event.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { commandAudit, commentPayload, makeStory, settled, storyState, type RepoRef } from "./support/app-stories.js";
import { fakeGitHub, type FakeGitHub } from "./support/fake-github.js";

/**
 * Escalation attempts through the running app, with GitHub's own
 * issue_comment payloads: a repository's own `.github/wave.yml` tries to let
 * lower roles use `stop-all` / `resume-all` and to loosen the organisation's
 * approve rule. The organisation's `.github` file holds, whether the
 * repository extends it or not (and whatever else it extends), and each
 * refusal says which of the repository's keys was ignored and why.
 */
let app: TestApp;
let github: FakeGitHub;
const extending: RepoRef = { owner: "esc-org", repo: "extends", repoId: 8301 };
const loner: RepoRef = { owner: "esc-org", repo: "loner", repoId: 8302 };
const impostor: RepoRef = { owner: "esc-org", repo: "impostor", repoId: 8303 };
const ids: Record<string, string> = {};

const ORG_FILE = ["commands:", "  permissions:", "    approve:", "      role: maintain", "org_policy:", "  max_story_usd: 10", ""].join(
  "\n",
);
const LOOSE = [
  "commands:",
  "  permissions:",
  "    resume-all:",
  "      role: triage",
  "    stop-all:",
  "      role: write",
  "      users: [mallory]",
  "      allow_starter: true",
  "    approve:",
  "      role: write",
  "budget:",
  "  story_cap_usd: 500",
  "",
].join("\n");

function replyOn(where: RepoRef, issue: number): string {
  const reply = github.commentsOn(`${where.owner}/${where.repo}`, issue).find((c) => c.body.includes("wave:reply="))?.body;
  if (!reply) throw new Error(`no reply on ${where.repo}#${issue}`);
  return reply;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  github = fakeGitHub();
  github.owners.add("org-boss");
  github.roles.set("org-boss", "admin");
  github.roles.set("mallory", "triage");
  github.roles.set("writer", "write");
  github.roles.set("keeper", "maintain");
  github.configs.set("esc-org/.github", ORG_FILE);
  github.configs.set("esc-org/extends", `_extends: .github\n${LOOSE}`);
  // No `_extends`: the organisation's defaults do not apply here, its authority still does.
  github.configs.set("esc-org/loner", LOOSE);
  // Extending another owner's `.github` does not make that file the organisation's.
  github.configs.set("esc-org/impostor", "_extends: evil-org/.github\n");
  github.configs.set("evil-org/.github", LOOSE);
  app = await startTestApp({ handlers: () => commandHandlers(), workers: { deliveryConcurrency: 4, effectsConcurrency: 6 } });
  ids.extending = await makeStory(app, extending, 1, "reviewApproval");
  ids.loner = await makeStory(app, loner, 2, "reviewApproval");
  ids.impostor = await makeStory(app, impostor, 3, "reviewApproval");
  await settled(app);
}, 120_000);

afterAll(async () => {
  await app.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("organisation authority comes only from the organisation's .github repository", () => {
  it.each([
    ["extends the organisation", extending, 1],
    ["does not extend it", loner, 2],
    ["extends another owner's .github", impostor, 3],
  ] as const)("refuses resume-all and stop-all for lower roles when the repository's file %s", async (_, where, issue) => {
    const base = 710_000 + issue * 10;
    await app.send("issue_comment", commentPayload(where, issue, base + 1, "mallory", "/wave resume-all"));
    await app.send("issue_comment", commentPayload(where, issue, base + 2, "mallory", "/wave stop-all mine now"));
    await app.send("issue_comment", commentPayload(where, issue, base + 3, "starter", "/wave stop-all"));
    await settled(app);
    for (const id of [base + 1, base + 2, base + 3]) expect(github.reactions.get(id)).toEqual(["eyes", "confused"]);
    const replies = github.commentsOn(`${where.owner}/${where.repo}`, issue).filter((c) => c.body.includes("wave:reply="));
    expect(replies).toHaveLength(3);
    for (const reply of replies) expect(reply.body).toContain("needs an **organisation owner**");
    const mine = replies.map((r) => r.body).join("\n");
    expect(mine).toContain("you have the **triage** role");
    expect((await app.pool.query(`SELECT count(*)::int AS n FROM org_controls WHERE stopped`)).rows[0].n).toBe(0);
    expect((await storyState(app, ids[where === extending ? "extending" : where === loner ? "loner" : "impostor"]!)).status).toBe("active");
  });

  it("says which of the repository's keys were ignored, and that the organisation's value holds", () => {
    const all = github
      .commentsOn(`${extending.owner}/${extending.repo}`, 1)
      .map((c) => c.body)
      .join("\n");
    expect(all).toContain("The organisation's rule holds, not this repository's:");
    expect(all).toContain(
      "`commands.permissions.resume-all.role`: this repository's file asks for `triage`, but the organisation's .github repository decides `commands.permissions.resume-all.role` and its `owner` holds",
    );
    expect(all).toContain("`commands.permissions.stop-all.users`: this repository's file asks for `mallory`");
    expect(all).toContain("`commands.permissions.stop-all.allow_starter`");
    // The loner's file is not extended by the organisation, and the same keys are named.
    expect(
      github
        .commentsOn(`${loner.owner}/${loner.repo}`, 2)
        .map((c) => c.body)
        .join("\n"),
    ).toContain("`commands.permissions.resume-all.role`: this repository's file asks for `triage`");
  });

  it("keeps the organisation's approve rule: write is refused, maintain approves", async () => {
    await app.send("issue_comment", commentPayload(extending, 1, 711_001, "writer", "/wave approve"));
    await app.send("issue_comment", commentPayload(loner, 2, 711_002, "writer", "/wave approve"));
    await settled(app);
    expect(github.reactions.get(711_001)).toEqual(["eyes", "confused"]);
    expect(github.reactions.get(711_002)).toEqual(["eyes", "confused"]);
    for (const [where, issue] of [
      [extending, 1],
      [loner, 2],
    ] as const) {
      const body = github
        .commentsOn(`${where.owner}/${where.repo}`, issue)
        .map((c) => c.body)
        .join("\n");
      expect(body).toContain("`/wave approve` needs the **maintain** role or above; you have the **write** role");
      expect(body).toContain("`commands.permissions.approve.role`: this repository's file asks for `write`");
    }
    expect((await storyState(app, ids.extending!)).gate).toBe("review");
    await app.send("issue_comment", commentPayload(extending, 1, 711_003, "keeper", "/wave approve"));
    await settled(app);
    expect(github.reactions.get(711_003)).toEqual(["eyes", "+1"]);
    expect((await storyState(app, ids.extending!)).gate).not.toBe("review");
  });

  it("lets the organisation's owner stop and resume, and records the refusals in the audit trail", async () => {
    await app.send("issue_comment", commentPayload(loner, 2, 712_001, "org-boss", "/wave stop-all drill"));
    await settled(app);
    expect(github.reactions.get(712_001)).toEqual(["eyes", "+1"]);
    await app.send("issue_comment", commentPayload(loner, 2, 712_002, "mallory", "/wave resume-all"));
    await settled(app);
    expect(github.reactions.get(712_002)).toEqual(["eyes", "confused"]);
    expect((await app.pool.query(`SELECT stopped FROM org_controls WHERE owner = 'esc-org'`)).rows[0].stopped).toBe(true);
    await app.send("issue_comment", commentPayload(loner, 2, 712_003, "org-boss", "/wave resume-all"));
    await settled(app);
    expect(github.reactions.get(712_003)).toEqual(["eyes", "+1"]);
    const refusals = (await commandAudit(app)).filter((row) => row.actor === "mallory");
    expect(refusals.length).toBeGreaterThanOrEqual(7);
    for (const row of refusals) expect(row.detail.verdict).toBe("refused");
    expect(replyOn(loner, 2)).toMatch(/^@(mallory|starter), I did not run this comment/);
  });

  it("shows the governed values in force and where each came from in /wave status", async () => {
    await app.send("issue_comment", commentPayload(impostor, 3, 713_001, "writer", "/wave status"));
    await settled(app);
    const body = github
      .commentsOn(`${impostor.owner}/${impostor.repo}`, 3)
      .map((c) => c.body)
      .join("\n");
    expect(body).toContain("**Decided by the organisation** (a repository may only tighten these):");
    expect(body).toContain("- `commands.permissions.resume-all.role`: `owner` (the organisation's)");
    expect(body).toContain("- `commands.permissions.approve.role`: `maintain` (the organisation's)");
    expect(body).toContain("- `budget.story_cap_usd`: `10` (the organisation's)");
  });
});
