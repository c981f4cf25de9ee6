import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHandlers } from "../../src/commands/handle-command-event.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { githubExample } from "../support/webhook-examples.js";
import { commandAudit, commentPayload, installationFor, makeStory, settled, storyState, type RepoRef } from "./support/app-stories.js";
import { fakeGitHub, type FakeGitHub } from "./support/fake-github.js";

/**
 * The organisation emergency stop across three repositories of one
 * organisation, through the running app: stop-all by an owner holds every
 * live story, stops their sandboxes and puts the banner in every status
 * comment; a story labelled during the stop starts held; resume-all releases
 * what only the stop held. Stories of another organisation are untouched.
 */
let app: TestApp;
let github: FakeGitHub;
const stopped: string[] = [];
const alpha: RepoRef = { owner: "stop-org", repo: "alpha", repoId: 8101 };
const beta: RepoRef = { owner: "stop-org", repo: "beta", repoId: 8102 };
const gamma: RepoRef = { owner: "stop-org", repo: "gamma", repoId: 8103 };
const elsewhere: RepoRef = { owner: "other-org", repo: "delta", repoId: 8201 };
const ids: Record<string, string> = {};
const banner = "**Organisation emergency stop** is on";

function statusComment(where: RepoRef, issue: number): string {
  const comment = github.commentsOn(`${where.owner}/${where.repo}`, issue).find((c) => c.body.includes("<!-- wave:story="));
  if (!comment) throw new Error(`no status comment on ${where.repo}#${issue}`);
  return comment.body;
}

function replyOn(where: RepoRef, issue: number): string | undefined {
  return github.commentsOn(`${where.owner}/${where.repo}`, issue).find((c) => c.body.includes("wave:reply="))?.body;
}

function labeled(where: RepoRef, issue: number, sender: string): Record<string, unknown> {
  const payload = githubExample<Record<string, unknown>>("issues", "labeled");
  const p = payload as {
    label: { name: string };
    issue: { number: number; title: string; body: string | null; labels: { name: string }[] };
    repository: { id: number; name: string; full_name: string; owner: { login: string } };
    sender: { login: string; type: string };
    installation?: { id: number };
  };
  p.label.name = "wave";
  p.issue.number = issue;
  p.issue.title = "Started during the stop";
  p.issue.body = "Do the thing.\n\n- [ ] it works\n";
  p.issue.labels = [{ name: "wave" }];
  p.repository.id = where.repoId;
  p.repository.name = where.repo;
  p.repository.full_name = `${where.owner}/${where.repo}`;
  p.repository.owner.login = where.owner;
  p.sender = { login: sender, type: "User" };
  p.installation = { id: installationFor(issue) };
  return payload;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  github = fakeGitHub();
  github.owners.add("org-boss");
  github.roles.set("org-boss", "admin");
  github.roles.set("repo-admin", "admin");
  github.roles.set("labeler", "write");
  github.roles.set("keeper", "maintain");
  app = await startTestApp({
    handlers: () => commandHandlers(),
    sandbox: { stopStory: async (storyId) => void stopped.push(storyId) },
    workers: { deliveryConcurrency: 4, effectsConcurrency: 6 },
  });
  ids.alpha = await makeStory(app, alpha, 1, "plan");
  ids.beta = await makeStory(app, beta, 2, "build");
  ids.gammaHeld = await makeStory(app, gamma, 3, "held");
  ids.gammaApproval = await makeStory(app, gamma, 4, "planApproval");
  ids.elsewhere = await makeStory(app, elsewhere, 5, "plan");
  await settled(app);
  stopped.length = 0;
}, 120_000);

afterAll(async () => {
  await app.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("organisation emergency stop through the app", () => {
  it("refuses stop-all from anyone but an organisation owner, a repository admin included", async () => {
    await app.send("issue_comment", commentPayload(beta, 40, 700_040, "repo-admin", "/wave stop-all"));
    await app.send("issue_comment", commentPayload(beta, 41, 700_041, "labeler", "/wave stop-all"));
    await app.send("issue_comment", commentPayload(beta, 42, 700_042, "nobody-in-particular", "/wave resume-all"));
    await settled(app);
    for (const commentId of [700_040, 700_041, 700_042]) expect(github.reactions.get(commentId)).toEqual(["eyes", "confused"]);
    expect(replyOn(beta, 40)).toContain("`/wave stop-all` needs an **organisation owner**; you have the **admin** role on stop-org/beta.");
    expect(replyOn(beta, 41)).toContain("you have the **write** role");
    expect(replyOn(beta, 42)).toContain("you have **no role**");
    expect((await app.pool.query(`SELECT count(*)::int AS n FROM org_controls WHERE stopped`)).rows[0].n).toBe(0);
    for (const id of [ids.alpha, ids.beta, ids.gammaApproval]) expect((await storyState(app, id!)).status).toBe("active");
    expect(stopped).toEqual([]);
  });

  it("holds every live story of the organisation in three repositories, stops their sandboxes and shows the banner", async () => {
    await app.send("issue_comment", commentPayload(beta, 50, 700_050, "org-boss", "/wave stop-all security incident"));
    await settled(app);
    expect(github.reactions.get(700_050)).toEqual(["eyes", "+1"]);
    expect(replyOn(beta, 50)).toBeUndefined();
    for (const id of [ids.alpha, ids.beta, ids.gammaHeld, ids.gammaApproval]) {
      const state = await storyState(app, id!);
      expect(state.status).toBe("held");
      expect(state.holds.emergency).toEqual({ by: "org-boss" });
    }
    // The story held by a person before the stop keeps that hold too.
    expect((await storyState(app, ids.gammaHeld!)).holds.people).toMatchObject([{ by: "holder" }]);
    expect(new Set(stopped)).toEqual(new Set([ids.alpha, ids.beta, ids.gammaHeld, ids.gammaApproval]));
    for (const [where, issue] of [
      [alpha, 1],
      [beta, 2],
      [gamma, 3],
      [gamma, 4],
    ] as const)
      expect(statusComment(where, issue)).toContain(banner);
    // Another organisation carries on.
    expect((await storyState(app, ids.elsewhere!)).status).toBe("active");
    expect(statusComment(elsewhere, 5)).not.toContain(banner);
    const control = (await app.pool.query(`SELECT owner, stopped, stopped_by, reason FROM org_controls`)).rows;
    expect(control).toEqual([{ owner: "stop-org", stopped: true, stopped_by: "org-boss", reason: "security incident" }]);
    const row = (await commandAudit(app)).find((a) => a.detail.deliveryId !== undefined && a.actor === "org-boss");
    expect(row).toMatchObject({
      story_id: null,
      detail: {
        scope: "organisation",
        verdict: "accepted",
        role: "owner",
        commands: ["/wave stop-all security incident"],
        note: "stop-all: 3 of 4 live stories held in 3 repositories",
      },
    });
  });

  it("starts a story labelled during the stop held, with the banner; a person's unhold cannot lift the stop", async () => {
    await app.send("issues", labeled(gamma, 6, "labeler"));
    await settled(app);
    const row = (await app.pool.query(`SELECT id FROM stories WHERE repo_id = $1 AND issue_number = 6`, [gamma.repoId])).rows[0] as {
      id: string;
    };
    ids.late = row.id;
    expect(await storyState(app, ids.late)).toMatchObject({ status: "held", step: "plan", holds: { emergency: { by: "org-boss" } } });
    expect(statusComment(gamma, 6)).toContain(banner);

    await app.send("issue_comment", commentPayload(alpha, 1, 700_060, "keeper", "/wave unhold"));
    await settled(app);
    expect(await storyState(app, ids.alpha!)).toMatchObject({ status: "held", holds: { emergency: { by: "org-boss" } } });
    expect(github.reactions.get(700_060)).toEqual(["eyes", "confused"]);
    expect(replyOn(alpha, 1)).toContain("emergency stop");
  });

  it("resume-all lifts the stop: stories held only by it resume where they were, other holds stay, banners go", async () => {
    await app.send("issue_comment", commentPayload(alpha, 51, 700_051, "org-boss", "/wave resume-all"));
    await settled(app);
    expect(github.reactions.get(700_051)).toEqual(["eyes", "+1"]);
    expect(await storyState(app, ids.alpha!)).toMatchObject({ status: "active", gate: "plan" });
    expect(await storyState(app, ids.beta!)).toMatchObject({ status: "active", gate: "build" });
    expect(await storyState(app, ids.gammaApproval!)).toMatchObject({ status: "active", step: "planApproval" });
    expect(await storyState(app, ids.late!)).toMatchObject({ status: "active", step: "plan" });
    const stillHeld = await storyState(app, ids.gammaHeld!);
    expect(stillHeld.status).toBe("held");
    expect(stillHeld.holds).toEqual({ people: [{ by: "holder", reason: "wait for the release" }] });
    for (const [where, issue] of [
      [alpha, 1],
      [beta, 2],
      [gamma, 3],
      [gamma, 4],
      [gamma, 6],
    ] as const)
      expect(statusComment(where, issue)).not.toContain(banner);
    expect((await app.pool.query(`SELECT count(*)::int AS n FROM org_controls WHERE stopped`)).rows[0].n).toBe(0);
  });

  it("shows the organisation's stop and resume among a story's last commands", async () => {
    await app.send("issue_comment", commentPayload(gamma, 3, 700_070, "watcher", "/wave status"));
    await settled(app);
    const reply = replyOn(gamma, 3) ?? "";
    expect(reply).toContain("### WAVE status");
    expect(reply).toMatch(/On hold\*\* by `holder`/);
    expect(reply).toMatch(/`org-boss` \| organisation owner \| \/wave stop-all security incident \| accepted: stop-all: 3 of 4/);
    expect(reply).toMatch(/`org-boss` \| organisation owner \| \/wave resume-all \| accepted/);
  });
});
