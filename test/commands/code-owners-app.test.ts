import nock from "nock";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandHandlers } from "../../src/commands/handle-command-event.js";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { commentPayload, makeStory, settled, storyState, type RepoRef } from "./support/app-stories.js";
import { fakeGitHub, type FakeGitHub } from "./support/fake-github.js";

/**
 * `commands.permissions.approve.code_owners: true` through the running app,
 * with GitHub's issue_comment payloads: the story's pull request changes two
 * paths, one owned by a user and one by a team (CODEOWNERS on the base
 * branch, `.github/CODEOWNERS` before `CODEOWNERS`). One owner's approval is
 * recorded and the reply names the other path; the team member's completes
 * it and the review gate passes. A push (a new head) withdraws what was approved.
 */
let app: TestApp;
let github: FakeGitHub;
const repo: RepoRef = { owner: "code-org", repo: "owned", repoId: 8401 };
const ids: Record<string, string> = {};

const CODEOWNERS = [
  "# Default owner for everything, overridden below (the last match wins).",
  "*                @fallback",
  "/src/api/        @alice",
  "docs/*           @code-org/writers",
  "docs/internal/   # no owners: un-owned",
  "*.png            press@example.com",
  "",
].join("\n");

function replies(issue: number): string[] {
  return github
    .commentsOn(`${repo.owner}/${repo.repo}`, issue)
    .filter((c) => c.body.includes("wave:reply="))
    .map((c) => c.body);
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  github = fakeGitHub();
  for (const login of ["alice", "tina", "walt", "fallback"]) github.roles.set(login, "write");
  github.configs.set("code-org/owned", "commands:\n  permissions:\n    approve:\n      code_owners: true\n");
  // GitHub's lookup order: .github/CODEOWNERS wins over the root one, which would make walt own everything.
  github.files.set("code-org/owned@release:.github/CODEOWNERS", CODEOWNERS);
  github.files.set("code-org/owned@release:CODEOWNERS", "* @walt\n");
  github.teams.set("code-org/writers", new Set(["tina"]));
  app = await startTestApp({ handlers: () => commandHandlers(), workers: { deliveryConcurrency: 4, effectsConcurrency: 6 } });
  ids.two = await makeStory(app, repo, 1, "reviewApproval");
  ids.pushed = await makeStory(app, repo, 2, "reviewApproval");
  // makeStory gives every review-gate story pull request #900; point each story at its own.
  await app.pool.query(`UPDATE stories SET pull_request = $2 WHERE id = $1`, [ids.pushed, 901]);
  github.pulls.set("code-org/owned#900", { base: "release", headSha: "a".repeat(40), files: ["src/api/handler.ts", "docs/guide.md"] });
  github.pulls.set("code-org/owned#901", {
    base: "release",
    headSha: "b".repeat(40),
    files: ["src/api/routes.ts", "docs/intro.md", "docs/internal/notes.md", "docs/img/logo.png"],
  });
  await settled(app);
}, 120_000);

afterAll(async () => {
  await app.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe("CODEOWNERS-aware /wave approve at the review gate", () => {
  it("refuses to count an approval from someone who owns none of the changed paths", async () => {
    await app.send("issue_comment", commentPayload(repo, 1, 720_001, "walt", "/wave approve"));
    await settled(app);
    expect(github.reactions.get(720_001)).toEqual(["eyes", "confused"]);
    const [reply] = replies(1);
    expect(reply).toContain("@walt, you are not a code owner (.github/CODEOWNERS on `release`) of any path this pull request changes");
    expect(reply).toContain("`docs/guide.md` (@code-org/writers), `src/api/handler.ts` (@alice)");
    expect((await storyState(app, ids.two!)).step).toBe("reviewApproval");
  });

  it("records one owner's approval and names the path still lacking; the team member's completes it", async () => {
    await app.send("issue_comment", commentPayload(repo, 1, 720_002, "alice", "/wave approve"));
    await settled(app);
    expect(github.reactions.get(720_002)).toEqual(["eyes", "confused"]);
    const reply = replies(1).at(-1) ?? "";
    expect(reply).toContain("@alice, your approval is recorded for `src/api/handler.ts` (commit aaaaaaa)");
    expect(reply).toContain("The review gate still needs a code owner's `/wave approve` for: `docs/guide.md` (@code-org/writers).");
    expect((await storyState(app, ids.two!)).step).toBe("reviewApproval");

    await app.send("issue_comment", commentPayload(repo, 1, 720_003, "tina", "/wave approve"));
    await settled(app);
    expect(github.reactions.get(720_003)).toEqual(["eyes", "+1"]);
    expect((await storyState(app, ids.two!)).step).toBe("merge");
  });

  it("leaves un-owned paths alone, notes email owners, and forgets approvals when the head moves", async () => {
    await app.send("issue_comment", commentPayload(repo, 2, 720_011, "tina", "/wave approve"));
    await settled(app);
    let reply = replies(2).at(-1) ?? "";
    expect(reply).toContain("@tina, your approval is recorded for `docs/intro.md` (commit bbbbbbb)");
    // docs/internal/ has no owners and docs/img/logo.png only an email: only src/api/routes.ts is still lacking.
    expect(reply).toContain("still needs a code owner's `/wave approve` for: `src/api/routes.ts` (@alice).");
    expect(reply).toContain("`docs/img/logo.png`: email owners on CODEOWNERS line 6 are ignored");
    expect(reply).not.toContain("docs/internal/notes.md` (");

    // Someone pushes: the pull request's head moves, and tina's approval was for the old one.
    github.pulls.set("code-org/owned#901", { ...github.pulls.get("code-org/owned#901")!, headSha: "c".repeat(40) });
    await app.send("issue_comment", commentPayload(repo, 2, 720_012, "alice", "/wave approve"));
    await settled(app);
    reply = replies(2).at(-1) ?? "";
    expect(github.reactions.get(720_012)).toEqual(["eyes", "confused"]);
    expect(reply).toContain("@alice, your approval is recorded for `src/api/routes.ts` (commit ccccccc)");
    expect(reply).toContain("for: `docs/intro.md` (@code-org/writers).");
    expect((await storyState(app, ids.pushed!)).step).toBe("reviewApproval");

    await app.send("issue_comment", commentPayload(repo, 2, 720_013, "tina", "/wave approve"));
    await settled(app);
    expect(github.reactions.get(720_013)).toEqual(["eyes", "+1"]);
    expect((await storyState(app, ids.pushed!)).step).toBe("merge");
  });
});
