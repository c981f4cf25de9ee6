import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { publishStory } from "../../src/publish/publish-story.js";
import { publishChange } from "../../src/github/publish-commit.js";
import { markReadyForReview } from "../../src/github/mark-ready.js";
import { BranchTakenOver, EmptyChange, PublishConflict } from "../../src/publish/errors.js";
import { GitHubRateLimited } from "../../src/github/errors.js";
import type { ChangedFile } from "../../src/sandbox/runner.js";
import { FakeGitHub, gitBlobSha } from "./fake-github.js";

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]);
const LATIN1 = Buffer.from("caf\xe9\n", "latin1");
const BRANCH = "wave/6-add-a-tool";

let fake: FakeGitHub;
let planBase: string;

function change(): ChangedFile[] {
  return [
    { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("export const a = 2;\n"), binary: false },
    { path: "bin/tool", status: "added", mode: "100755", content: Buffer.from("#!/bin/sh\necho tool\n"), binary: false },
    { path: "assets/logo.png", status: "added", mode: "100644", content: PNG, binary: true },
    { path: "docs/legacy.txt", status: "modified", mode: "100644", content: LATIN1, binary: false },
    { path: "gone.txt", status: "deleted", binary: false },
    {
      path: "new-name.txt",
      previousPath: "old-name.txt",
      status: "renamed",
      mode: "100644",
      content: Buffer.from("moved\n"),
      binary: false,
    },
    { path: "link", status: "added", mode: "120000", content: Buffer.from("src/a.ts"), binary: false },
    { path: "scripts/run.sh", status: "modified", mode: "100644", content: Buffer.from("#!/bin/sh\n"), binary: false },
  ];
}

function input(files = change()) {
  return {
    storyId: "st_6",
    branch: BRANCH,
    baseBranch: "main",
    planBaseSha: planBase,
    files,
    message: "Add a tool (#6)",
    title: "Add a tool",
    body: "Closes #6\n\n<!-- wave:story=st_6 -->",
    draft: true,
  };
}

/** main moves on from the plan's base: README.md changes there, none of the change's files do. */
function moveBase(): string {
  const moved = fake.commit(
    {
      "README.md": { content: "hello, moved\n" },
      "src/a.ts": { content: "export const a = 1;\n" },
      "gone.txt": { content: "bye\n" },
      "old-name.txt": { content: "moved\n" },
      "docs/legacy.txt": { content: "old\n" },
      "scripts/run.sh": { content: "#!/bin/sh\n", mode: "100755" },
    },
    [planBase],
  );
  fake.refs.set("refs/heads/main", moved);
  return moved;
}

beforeEach(() => {
  fake = new FakeGitHub();
  planBase = fake.commit({
    "README.md": { content: "hello\n" },
    "src/a.ts": { content: "export const a = 1;\n" },
    "gone.txt": { content: "bye\n" },
    "old-name.txt": { content: "moved\n" },
    "docs/legacy.txt": { content: "old\n" },
    "scripts/run.sh": { content: "#!/bin/sh\n", mode: "100755" },
  });
  fake.refs.set("refs/heads/main", planBase);
});
afterEach(() => fake.close());

describe("publishStory", () => {
  it("publishes the exact change as one commit on the base head and opens one draft PR", async () => {
    const result = await publishStory(fake.context(), input());
    expect(result.change.outcome).toBe("created");
    expect(result.pullRequest.action).toBe("created");
    expect(fake.refs.get(`refs/heads/${BRANCH}`)).toBe(result.change.commitSha);
    expect(fake.commits.get(result.change.commitSha)?.parents).toEqual([planBase]);
    expect(fake.commits.get(result.change.commitSha)?.message).toContain("Wave-Story: st_6");

    const files = fake.filesOf(result.change.commitSha);
    expect([...files.keys()].sort()).toEqual([
      "README.md",
      "assets/logo.png",
      "bin/tool",
      "docs/legacy.txt",
      "link",
      "new-name.txt",
      "scripts/run.sh",
      "src/a.ts",
    ]);
    expect(files.get("assets/logo.png")?.content.equals(PNG)).toBe(true);
    expect(files.get("docs/legacy.txt")?.content.equals(LATIN1)).toBe(true);
    expect(files.get("bin/tool")?.mode).toBe("100755");
    expect(files.get("scripts/run.sh")?.mode).toBe("100644");
    expect(files.get("link")).toEqual({ mode: "120000", content: Buffer.from("src/a.ts") });

    // The request bodies themselves: encodings, deletions as sha null, modes verbatim.
    const blobs = fake.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git/blobs")).map((r) => r.body);
    expect(blobs).toContainEqual({ content: PNG.toString("base64"), encoding: "base64" });
    expect(blobs).toContainEqual({ content: LATIN1.toString("base64"), encoding: "base64" });
    expect(blobs).toContainEqual({ content: "export const a = 2;\n", encoding: "utf-8" });
    const tree = fake.requests.find((r) => r.path.endsWith("/git/trees"))?.body as { base_tree: string; tree: unknown[] };
    expect(tree.base_tree).toBe(fake.commits.get(planBase)?.tree);
    expect(tree.tree).toEqual([
      { path: "assets/logo.png", mode: "100644", type: "blob", sha: gitBlobSha(PNG) },
      { path: "bin/tool", mode: "100755", type: "blob", sha: gitBlobSha(Buffer.from("#!/bin/sh\necho tool\n")) },
      { path: "docs/legacy.txt", mode: "100644", type: "blob", sha: gitBlobSha(LATIN1) },
      { path: "gone.txt", mode: "100644", type: "blob", sha: null },
      { path: "link", mode: "120000", type: "blob", sha: gitBlobSha(Buffer.from("src/a.ts")) },
      { path: "new-name.txt", mode: "100644", type: "blob", sha: gitBlobSha(Buffer.from("moved\n")) },
      { path: "old-name.txt", mode: "100644", type: "blob", sha: null },
      { path: "scripts/run.sh", mode: "100644", type: "blob", sha: gitBlobSha(Buffer.from("#!/bin/sh\n")) },
      { path: "src/a.ts", mode: "100644", type: "blob", sha: gitBlobSha(Buffer.from("export const a = 2;\n")) },
    ]);
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]).toMatchObject({ head: BRANCH, base: "main", draft: true, title: "Add a tool" });

    // 7 distinct blobs + base ref, base commit, tree, commit, ref = 12 (a first publish creates the branch
    // without looking for it first); create PR = 1 (no look-up first).
    expect(result.requests).toBe(13);
    expect(fake.requests).toHaveLength(13);
    expect(fake.count("GET", /\/git\/ref\/heads%2Fwave/)).toBe(0);
    console.log(`one-iteration publish of 8 files (7 blobs): ${result.requests} GitHub requests`);
  });

  it("replayed, makes no second commit on the branch and no second PR", async () => {
    const first = await publishStory(fake.context(), input());
    const second = await publishStory(fake.context(), input());
    expect(second.change.outcome).toBe("unchanged");
    expect(second.change.commitSha).toBe(first.change.commitSha);
    expect(fake.refs.get(`refs/heads/${BRANCH}`)).toBe(first.change.commitSha);
    expect(second.pullRequest.action).toBe("unchanged");
    expect(second.pullRequest.pullRequest.number).toBe(first.pullRequest.pullRequest.number);
    // A replay of a first publish (a crash before the PR was stored) writes its commit object again, learns from
    // GitHub's "already exists" that the branch is there, finds the same tree on the same parent, and leaves it.
    expect(fake.count("POST", /\/git\/commits$/)).toBe(2);
    // The replay's create is GitHub's own look-up: refused ("already exists"), then the open PR is found.
    expect(fake.count("POST", /\/pulls$/)).toBe(2);
    expect(fake.count("GET", /\/pulls(\?|$)/)).toBe(1);
    expect(fake.count("PATCH", /\/git\/refs\//)).toBe(0);
    expect(fake.pulls).toHaveLength(1);
  });

  it("a first publish that finds a branch somebody else made refuses to write over it", async () => {
    // A person's commit (no Wave-Story trailer) already stands at WAVE's branch name.
    fake.refs.set(`refs/heads/${BRANCH}`, planBase);
    await expect(publishStory(fake.context(), input())).rejects.toBeInstanceOf(BranchTakenOver);
    expect(fake.refs.get(`refs/heads/${BRANCH}`)).toBe(planBase);
    expect(fake.count("PATCH", /\/git\/refs\//)).toBe(0);
    expect(fake.pulls).toHaveLength(0);
  });

  it("falls back to updating when creating the branch answers 422 Reference already exists", async () => {
    // Another run created the branch after our look-up said it was missing.
    fake.refs.set(`refs/heads/${BRANCH}`, planBase);
    fake.failOnce("GET", /\/git\/ref\/heads\/wave\//, 404, { message: "Not Found" });
    const result = await publishChange(fake.context(), input());
    expect(result.outcome).toBe("updated");
    expect(fake.count("POST", /\/git\/refs$/)).toBe(1);
    const patch = fake.requests.find((r) => r.method === "PATCH" && r.path.includes("/git/refs/"));
    expect(patch?.path).toBe(`/repos/octo-org/hello/git/refs/heads/${BRANCH}`);
    expect(patch?.body).toEqual({ sha: result.commitSha, force: true });
    expect(fake.refs.get(`refs/heads/${BRANCH}`)).toBe(result.commitSha);
  });

  it("moves its own branch when the change differs from what it published before", async () => {
    await publishChange(fake.context(), input());
    const files = change();
    files[0] = { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("export const a = 3;\n"), binary: false };
    const again = await publishChange(fake.context(), input(files));
    expect(again.outcome).toBe("updated");
    expect(fake.filesOf(again.commitSha).get("src/a.ts")?.content.toString()).toBe("export const a = 3;\n");
    expect(fake.commits.get(again.commitSha)?.parents).toEqual([planBase]);
  });

  it("an iteration stacked on the head it published reads neither that head's commit nor the base commit again", async () => {
    const first = await publishChange(fake.context(), input());
    const files = change();
    files[0] = { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("export const a = 4;\n"), binary: false };
    const before = fake.requests.length;
    const next = await publishChange(fake.context(), { ...input(files), onTopOf: first.commitSha });
    expect(next.outcome).toBe("updated");
    expect(fake.commits.get(next.commitSha)?.parents).toEqual([first.commitSha]);
    expect(fake.filesOf(next.commitSha).get("src/a.ts")?.content.toString()).toBe("export const a = 4;\n");
    const reads = fake.requests.slice(before).filter((r) => r.method === "GET");
    // Only the two refs (base and branch) are read: both commits are known from the first publish.
    expect(reads.map((r) => r.path)).toEqual(["/repos/octo-org/hello/git/ref/heads/main", `/repos/octo-org/hello/git/ref/heads/${BRANCH}`]);
    // Someone else's head is still read (it is not known) and still not written over.
    const theirs = fake.commit({ "README.md": { content: "by hand\n" } }, [next.commitSha], "fix by a person");
    fake.refs.set(`refs/heads/${BRANCH}`, theirs);
    await expect(publishChange(fake.context(), { ...input(), onTopOf: next.commitSha })).rejects.toBeInstanceOf(BranchTakenOver);
  });

  it("rebuilds on the new base head when the base moved without touching the change's files", async () => {
    const first = await publishChange(fake.context(), input());
    const moved = moveBase();
    const result = await publishChange(fake.context(), input());
    expect(result.rebased).toBe(true);
    expect(result.outcome).toBe("updated");
    expect(result.commitSha).not.toBe(first.commitSha);
    expect(fake.commits.get(result.commitSha)?.parents).toEqual([moved]);
    const files = fake.filesOf(result.commitSha);
    expect(files.get("README.md")?.content.toString()).toBe("hello, moved\n");
    expect(files.get("src/a.ts")?.content.toString()).toBe("export const a = 2;\n");
    expect(files.has("gone.txt")).toBe(false);
    expect(fake.count("GET", /\/compare\//)).toBe(1);
  });

  it("on an iteration whose base moved, merges the new base head into WAVE's last head instead of forcing", async () => {
    const first = await publishChange(fake.context(), input());
    const moved = moveBase();
    // The change as rebuilt on the new base (the story's base moved): its plan base is the new head.
    const rebuilt = { ...input(), planBaseSha: moved, onTopOf: first.commitSha, lastBaseSha: planBase };
    const merged = await publishChange(fake.context(), rebuilt);
    expect(merged).toMatchObject({ outcome: "updated", rebased: false, parents: [first.commitSha, moved], parentSha: moved });
    expect(fake.commits.get(merged.commitSha)?.parents).toEqual([first.commitSha, moved]);
    // A fast-forward of the branch, never a force: the reviewed commit stays in its history.
    const moves = fake.requests.filter((r) => r.method === "PATCH" && r.path.includes("/git/refs/"));
    expect(moves.at(-1)?.body).toMatchObject({ sha: merged.commitSha, force: false });
    expect(fake.filesOf(merged.commitSha).get("README.md")?.content.toString()).toBe("hello, moved\n");
    // Replayed (a crash before the facts were saved), it finds its merge.
    const again = await publishChange(fake.context(), rebuilt);
    expect(again).toMatchObject({ outcome: "unchanged", commitSha: merged.commitSha });
    // The next iteration on the same base stacks plainly on the merge.
    const files = change();
    files[0] = { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("export const a = 3;\n"), binary: false };
    const next = await publishChange(fake.context(), { ...rebuilt, files, onTopOf: merged.commitSha, lastBaseSha: moved });
    expect(fake.commits.get(next.commitSha)?.parents).toEqual([merged.commitSha]);
  });

  it("stacks on a person's head the change was built on, and still refuses one pushed after that", async () => {
    await publishChange(fake.context(), input());
    const theirs = fake.commit(
      { ...Object.fromEntries(fake.filesOf(planBase)), "README.md": { content: "by hand\n" } },
      [planBase],
      "fix by a person",
    );
    fake.refs.set(`refs/heads/${BRANCH}`, theirs);
    const withTheirs = [
      ...change(),
      { path: "README.md", status: "modified", mode: "100644", content: Buffer.from("by hand\n"), binary: false },
    ];
    const stacked = await publishChange(fake.context(), { ...input(withTheirs as ChangedFile[]), builtOnHead: theirs });
    expect(fake.commits.get(stacked.commitSha)?.parents).toEqual([theirs]);
    const moves = fake.requests.filter((r) => r.method === "PATCH" && r.path.includes("/git/refs/"));
    expect(moves.at(-1)?.body).toMatchObject({ force: false });
    const later = fake.commit({ "README.md": { content: "again by hand\n" } }, [stacked.commitSha], "another fix by a person");
    fake.refs.set(`refs/heads/${BRANCH}`, later);
    await expect(publishChange(fake.context(), { ...input(withTheirs as ChangedFile[]), builtOnHead: theirs })).rejects.toBeInstanceOf(
      BranchTakenOver,
    );
    expect(fake.refs.get(`refs/heads/${BRANCH}`)).toBe(later);
  });

  it("raises PublishConflict naming the paths changed on the base too, and writes nothing", async () => {
    const moved = fake.commit(
      {
        "README.md": { content: "hello\n" },
        "src/a.ts": { content: "export const a = 10;\n" },
        "gone.txt": { content: "bye\n" },
        "old-name.txt": { content: "changed on main\n" },
        "docs/legacy.txt": { content: "old\n" },
        "scripts/run.sh": { content: "#!/bin/sh\n", mode: "100755" },
      },
      [planBase],
    );
    fake.refs.set("refs/heads/main", moved);
    const error = await publishChange(fake.context(), input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishConflict);
    expect((error as PublishConflict).paths).toEqual(["old-name.txt", "src/a.ts"]);
    expect((error as PublishConflict).message).toContain("old-name.txt, src/a.ts");
    expect(fake.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  it("falls back to comparing trees when the base changed 300 files or more", async () => {
    const files: Record<string, { content: string | Buffer; mode: "100644" }> = Object.fromEntries(
      [...fake.filesOf(planBase)].map(([path, f]) => [path, { content: f.content, mode: f.mode as "100644" }]),
    );
    for (let i = 0; i < 320; i++) files[`gen/${i}.txt`] = { content: `${i}\n`, mode: "100644" };
    const clean = fake.commit(files, [planBase]);
    fake.refs.set("refs/heads/main", clean);
    const result = await publishChange(fake.context(), input());
    expect(result.rebased).toBe(true);
    expect(fake.count("GET", /\/git\/trees\//)).toBe(2);

    const conflicting = fake.commit({ ...files, "gone.txt": { content: "edited on main\n" } }, [clean]);
    fake.refs.set("refs/heads/main", conflicting);
    const error = await publishChange(fake.context(), input()).catch((e: unknown) => e);
    expect((error as PublishConflict).paths).toEqual(["gone.txt"]);
  });

  it("holds when the plan's base commit is gone from the base branch", async () => {
    fake.refs.set("refs/heads/main", fake.commit({ "README.md": { content: "rewritten\n" } }));
    const error = await publishChange(fake.context(), { ...input(), planBaseSha: "f".repeat(40) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishConflict);
    expect((error as PublishConflict).paths).toEqual([]);
    expect((error as PublishConflict).message).toMatch(/could not tell/);
  });

  it("waits out a secondary rate limit's retry-after, then succeeds", async () => {
    const waits: number[] = [];
    fake.failOnce(
      "POST",
      /\/git\/blobs$/,
      403,
      { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
      { "retry-after": "7" },
    );
    const result = await publishChange(fake.context({ sleep: async (ms) => void waits.push(ms) }), input());
    expect(result.outcome).toBe("created");
    expect(waits).toEqual([7000]);
  });

  it("gives up with GitHubRateLimited when retry-after is longer than a job should sleep", async () => {
    const waits: number[] = [];
    fake.failOnce("POST", /\/git\/blobs$/, 429, { message: "Too many requests" }, { "retry-after": "900" });
    const error = await publishChange(fake.context({ sleep: async (ms) => void waits.push(ms), maxWaitSeconds: 60 }), input()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GitHubRateLimited);
    expect((error as GitHubRateLimited).retryAfterSeconds).toBe(900);
    expect(waits).toEqual([]);
  });

  it("refuses to overwrite commits someone else pushed to the story's branch", async () => {
    await publishChange(fake.context(), input());
    const theirs = fake.commit({ "README.md": { content: "by hand\n" } }, [planBase], "fix by a person");
    fake.refs.set(`refs/heads/${BRANCH}`, theirs);
    await expect(publishChange(fake.context(), input())).rejects.toBeInstanceOf(BranchTakenOver);
    expect(fake.refs.get(`refs/heads/${BRANCH}`)).toBe(theirs);
    const forced = await publishChange(fake.context(), { ...input(), overwriteOthers: true });
    expect(forced.outcome).toBe("updated");
  });

  it("stops before committing when GitHub's blob is not the workspace's bytes", async () => {
    fake.failOnce("POST", /\/git\/blobs$/, 201, { sha: "0".repeat(40) });
    await expect(publishChange(fake.context(), input())).rejects.toThrow(/different bytes/);
    expect(fake.count("POST", /\/git\/(trees|commits|refs)$/)).toBe(0);
  });

  it("refuses a change that changes nothing against the base", async () => {
    const same: ChangedFile[] = [
      { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("export const a = 1;\n"), binary: false },
    ];
    await expect(publishChange(fake.context(), input(same))).rejects.toBeInstanceOf(EmptyChange);
    expect(fake.count("POST", /\/git\/commits$/)).toBe(0);
  });

  it("moves a branch left by an earlier story on the same issue", async () => {
    await publishChange(fake.context(), input());
    const files = change();
    files[0] = { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("export const a = 4;\n"), binary: false };
    const next = await publishChange(fake.context(), { ...input(files), storyId: "st_7" });
    expect(next.outcome).toBe("updated");
    expect(fake.commits.get(next.commitSha)?.message).toContain("Wave-Story: st_7");
  });

  it("never writes a ref outside refs/heads/wave/", async () => {
    for (const branch of ["main", "refs/heads/main", "wave/../main", "feature/wave/x", "wave/"]) {
      await expect(publishChange(fake.context(), { ...input(), branch })).rejects.toThrow(
        /only creates or updates branches under refs\/heads\/wave\//,
      );
    }
    expect(fake.requests).toEqual([]);
  });

  it("marks the draft PR ready for review through GraphQL, once", async () => {
    const { pullRequest } = await publishStory(fake.context(), input());
    expect(pullRequest.pullRequest.draft).toBe(true);
    expect(await markReadyForReview(fake.context(), pullRequest.pullRequest)).toEqual({ changed: true, requests: 1 });
    expect(fake.pulls[0]?.draft).toBe(false);
    const again = await publishStory(fake.context(), input());
    expect(await markReadyForReview(fake.context(), again.pullRequest.pullRequest)).toEqual({ changed: false, requests: 0 });
    expect(fake.count("POST", /^\/graphql$/)).toBe(1);
  });

  it("updates the PR body when the story's body changed, and nothing else", async () => {
    await publishStory(fake.context(), input());
    const result = await publishStory(fake.context(), { ...input(), body: "Closes #6\n\nnew gate table\n\n<!-- wave:story=st_6 -->" });
    expect(result.pullRequest.action).toBe("updated");
    expect(fake.pulls[0]?.body).toContain("new gate table");
    expect(fake.pulls).toHaveLength(1);
  });

  it("with the PR's stored number, writes its title and body by number in one request, without listing the branch's PRs", async () => {
    const opened = await publishStory(fake.context(), input());
    const before = fake.requests.length;
    const result = await publishStory(fake.context(), {
      ...input(),
      body: "Closes #6\n\nnext iteration\n\n<!-- wave:story=st_6 -->",
      opened: true,
      pullNumber: opened.pullRequest.pullRequest.number,
    });
    const pulls = fake.requests.slice(before).filter((r) => r.path.includes("/pulls"));
    expect(pulls.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/octo-org/hello/pulls/${opened.pullRequest.pullRequest.number}`,
    ]);
    expect(result.pullRequest).toMatchObject({ action: "updated", pullRequest: opened.pullRequest.pullRequest });
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]?.body).toContain("next iteration");
  });

  it("with a stored number whose PR is closed or gone, opens the branch's PR as without one", async () => {
    const opened = await publishStory(fake.context(), input());
    const first = fake.pulls[0];
    if (first) first.state = "closed";
    const result = await publishStory(fake.context(), { ...input(), opened: true, pullNumber: opened.pullRequest.pullRequest.number });
    expect(result.pullRequest.action).toBe("created");
    expect(fake.pulls.filter((p) => p.state === "open")).toHaveLength(1);
    const again = await publishStory(fake.context(), { ...input(), opened: true, pullNumber: 999 });
    expect(again.pullRequest).toMatchObject({ action: "unchanged", pullRequest: result.pullRequest.pullRequest });
  });
});
