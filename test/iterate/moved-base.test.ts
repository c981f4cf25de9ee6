import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import { waitFor, type TestApp } from "../support/app-harness.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import { githubExample } from "../support/webhook-examples.js";
import { BASE_ADD_LINE, RESOLVED_ADD_LINE } from "./review-model.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * The base branch moving under WAVE's open PR, through the running app: GitHub's own `push`
 * example payload (ref, head and repository adapted), the base's new commits and their tarballs
 * on the loopback fake, the real gVisor sandbox merging the kept change onto the new base, and
 * the scripted developer resolving the conflict it is told about.
 */
const ISSUE = 71;
const REPO_ID = 7171;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);

let app: TestApp;
let fake: FakeAnthropic;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "max_recycles: 1\niterate:\n  max_iterations: 3\n", instance: "iterate-base-e2e" });
  ({ app, fake, github } = harness);
});
afterAll(async () => {
  // Every request WAVE made is one GitHub documents.
  expect((await harness?.close()) ?? []).toEqual([]);
});

const row = () => harness!.row(ISSUE);
const outcome = (deliveryId: string) => harness!.outcome(deliveryId);

/** A commit on main on top of its head, with `edit` applied to the head's files; main moves there. */
function pushToMain(edit: Record<string, string>, message: string): string {
  const head = github.fake.refs.get("refs/heads/main") ?? "";
  const files = Object.fromEntries(github.fake.filesOf(head));
  for (const [path, content] of Object.entries(edit)) files[path] = { mode: "100644", content: Buffer.from(content) };
  const sha = github.fake.commit(files, [head], message);
  github.fake.refs.set("refs/heads/main", sha);
  return sha;
}

/** GitHub's `push` example for main moving from `before` to `after`. */
function pushPayload(before: string, after: string): Record<string, unknown> {
  const p = githubExample<Record<string, unknown>>("push");
  return {
    ...p,
    ref: "refs/heads/main",
    before,
    after,
    deleted: false,
    forced: false,
    repository: storyRepository(REPO_ID),
    installation: { id: 9 },
  };
}

/** How many of the model's requests were the developer's (the only role with the editor tool). */
const developerCalls = () => fake.messageRequests().filter((r) => r.rawBody.includes("str_replace_based_edit_tool")).length;

/** The paths whose content differs between two commits: the PR's diff when `head` descends from `base`. */
function changedPaths(base: string, head: string): string[] {
  const [from, to] = [github.fake.filesOf(base), github.fake.filesOf(head)];
  return [...new Set([...from.keys(), ...to.keys()])]
    .filter((p) => !from.get(p)?.content.equals(to.get(p)?.content ?? Buffer.alloc(0)))
    .sort();
}

describe("the base branch moving under WAVE's open PR", () => {
  let first: IterateRow;
  let clean: IterateRow;
  let rebuilt: IterateRow;
  let movedBase = "";

  it("label → PR waiting for approval", { timeout: WAIT + 30_000 }, async () => {
    first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
  });

  it(
    "a push to the base changing other lines of a file WAVE changed → rebuilt on the new base with no model call, a merge commit",
    { timeout: WAIT + 30_000 },
    async () => {
      const head = first.head_sha ?? "";
      const before = github.fake.refs.get("refs/heads/main") ?? "";
      const calc = github.fake.filesOf(before).get("src/calc.js")?.content.toString() ?? "";
      const moved = pushToMain({ "src/calc.js": calc.replace("  return a * b;", "  return b * a;") }, "Commute multiply()");
      const calls = developerCalls();
      expect(calls).toBeGreaterThan(0);
      const deliveryId = "base-push-mergeable";
      await app.send("push", pushPayload(before, moved), deliveryId);
      clean = await harness!.atRest(ISSUE, "the change merged onto the new base", WAIT, head);
      expect(clean.status, clean.snapshot.context.lastFailure ?? "").toBe("active");
      expect(await outcome(deliveryId)).toMatch(/changed src\/calc\.js; rebuilding the change on it/);
      // The merge was clean: the developer was not asked anything.
      expect(developerCalls()).toBe(calls);
      const newHead = clean.head_sha ?? "";
      expect(github.fake.commits.get(newHead)?.parents).toEqual([head, moved]);
      const merged = github.fake.filesOf(newHead).get("src/calc.js")?.content.toString() ?? "";
      expect(merged).toContain("return a + b;");
      expect(merged).toContain("return b * a;");
      expect(changedPaths(moved, newHead)).toEqual(["src/calc.js"]);
      first = clean;
    },
  );

  it(
    "a push to the base changing the lines WAVE changed → the developer resolves the conflict, verify, safety and review run, a new commit on the new base",
    { timeout: WAIT + 30_000 },
    async () => {
      const head = first.head_sha ?? "";
      const before = github.fake.refs.get("refs/heads/main") ?? "";
      const calc = github.fake.filesOf(before).get("src/calc.js")?.content.toString() ?? "";
      movedBase = pushToMain(
        { "src/calc.js": calc.replace("  return a - b;", BASE_ADD_LINE), "README.md": "# calc-js\n\nNumbers in, numbers out.\n" },
        "Coerce add()'s operands",
      );
      const reviewsBefore = [...github.fake.reviews.values()].flat().length;
      const deliveryId = "base-push-conflict";
      const requestsBefore = github.requests().length;
      await app.send("push", pushPayload(before, movedBase), deliveryId);
      rebuilt = await harness!.atRest(ISSUE, "the rebuilt change on the new base", WAIT, head);
      console.log(
        `GitHub requests for one moved-base iteration (push → merge commit on the new base with checks and review): ${github.requests().length - requestsBefore}`,
      );
      expect(rebuilt.status, rebuilt.snapshot.context.lastFailure ?? "").toBe("active");
      expect(await outcome(deliveryId)).toMatch(/moved to [0-9a-f]{7} and changed src\/calc\.js; rebuilding the change on it/);

      // The developer was told where the merge conflicted, and resolved it keeping both sides.
      const prompts = fake.messageRequests().map((r) => r.rawBody);
      expect(
        prompts.some((b) => b.includes(`The base branch moved to ${movedBase.slice(0, 7)}`) && b.includes("conflicted in src/calc.js")),
      ).toBe(true);
      const newHead = rebuilt.head_sha ?? "";
      const calcNow = github.fake.filesOf(newHead).get("src/calc.js")?.content.toString() ?? "";
      expect(calcNow).toContain(RESOLVED_ADD_LINE);
      expect(calcNow).toContain("return b * a;");
      expect(calcNow).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);

      // A merge of WAVE's reviewed head and the new base head, reached by a fast-forward of the branch.
      expect(github.fake.commits.get(newHead)?.parents).toEqual([head, movedBase]);
      expect(github.fake.refs.get(`refs/heads/${first.branch}`)).toBe(newHead);
      const moves = github.fake.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/git/refs/heads/${first.branch}`));
      expect(moves.at(-1)?.body).toMatchObject({ sha: newHead, force: false });
      expect(github.fake.pulls).toHaveLength(1);
      // The PR's diff against the new base is only WAVE's change; the base's README edit is in the tree as the base's.
      expect(github.fake.descends(newHead, movedBase)).toBe(true);
      expect(changedPaths(movedBase, newHead)).toEqual(["src/calc.js"]);
      expect(github.fake.filesOf(newHead).get("README.md")?.content.toString()).toBe("# calc-js\n\nNumbers in, numbers out.\n");

      // Verify ran the tests on the resolved change, safety scored it, the reviewer reviewed the new head.
      const stories = await app.pool.query(`SELECT base_sha FROM stories WHERE id = $1`, [rebuilt.id]);
      expect(stories.rows[0].base_sha).toBe(movedBase);
      const audit = await app.pool.query(`SELECT event FROM audit_events WHERE story_id = $1 ORDER BY id`, [rebuilt.id]);
      const events = audit.rows.map((r: { event: string }) => r.event);
      const sinceRecycle = events.slice(events.lastIndexOf("RECYCLE"));
      expect(sinceRecycle).toEqual(expect.arrayContaining(["BUILD_DONE", "VERIFY_PASSED", "SAFETY_PASSED", "REVIEW_DONE"]));
      expect([...github.fake.reviews.values()].flat().length).toBe(reviewsBefore + 1);
      const iterations = await app.pool.query(`SELECT source, state, result_sha FROM story_iterations WHERE story_id = $1 ORDER BY id`, [
        rebuilt.id,
      ]);
      expect(iterations.rows).toEqual([
        { source: "base", state: "published", result_sha: head },
        { source: "base", state: "published", result_sha: newHead },
      ]);
    },
  );

  it(
    "a push to the base that touches none of the change's files → nothing happens: GitHub merges it as it is",
    { timeout: 60_000 },
    async () => {
      const commits = github.fake.count("POST", /\/git\/commits$/);
      const before = github.fake.refs.get("refs/heads/main") ?? "";
      const clean = pushToMain({ "CONTRIBUTING.md": "Send a PR.\n" }, "Contributing notes");
      const deliveryId = "base-push-clean";
      await app.send("push", pushPayload(before, clean), deliveryId);
      const said = await waitFor(() => outcome(deliveryId), 30_000, "the clean push's outcome");
      expect(said).toMatch(/without touching the change's files; nothing to rebuild/);
      const now = (await row()) as IterateRow;
      expect(now.snapshot.context.step).toBe("reviewApproval");
      expect(now.head_sha).toBe(rebuilt.head_sha);
      expect(github.fake.count("POST", /\/git\/commits$/)).toBe(commits);
      const stories = await app.pool.query(`SELECT base_sha FROM stories WHERE id = $1`, [now.id]);
      expect(stories.rows[0].base_sha).toBe(movedBase);
    },
  );

  it(
    "a push WAVE cannot compare with the change's base (GitHub answers 404) → rebuilt on it all the same, no model call",
    { timeout: WAIT + 30_000 },
    async () => {
      const now = (await row()) as IterateRow;
      const head = now.head_sha ?? "";
      const before = github.fake.refs.get("refs/heads/main") ?? "";
      const unknown = pushToMain({ "docs/usage.md": "Call add(2, 3).\n" }, "Usage notes");
      // The compare of the change's base with the pushed head is refused as when that base is gone from the branch.
      github.fake.failOnce("GET", /\/compare\//, 404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      const calls = developerCalls();
      const deliveryId = "base-push-unknown";
      await app.send("push", pushPayload(before, unknown), deliveryId);
      rebuilt = await harness!.atRest(ISSUE, "the change rebuilt on a base WAVE could not compare", WAIT, head);
      expect(rebuilt.status, rebuilt.snapshot.context.lastFailure ?? "").toBe("active");
      expect(await outcome(deliveryId)).toMatch(/changed paths WAVE could not compare; rebuilding the change on it/);
      expect(developerCalls()).toBe(calls);
      expect(github.fake.commits.get(rebuilt.head_sha ?? "")?.parents).toEqual([head, unknown]);
      expect(changedPaths(unknown, rebuilt.head_sha ?? "")).toEqual(["src/calc.js"]);
      movedBase = unknown;
    },
  );

  it("a further conflicting push past iterate.max_iterations holds the story, naming the bound", { timeout: 60_000 }, async () => {
    const before = github.fake.refs.get("refs/heads/main") ?? "";
    const calc = github.fake.filesOf(before).get("src/calc.js")?.content.toString() ?? "";
    const again = pushToMain(
      { "src/calc.js": calc.replace("/** Adds two numbers. */", "/** Adds two numbers, as numbers. */") },
      "Doc add()",
    );
    const deliveryId = "base-push-over-the-bound";
    await app.send("push", pushPayload(before, again), deliveryId);
    const held = await waitFor(
      async () => {
        const now = await row();
        return now?.status === "held" ? now : undefined;
      },
      30_000,
      "the bound's hold",
    );
    expect(held.snapshot.context.lastFailure).toMatch(
      /^the base branch `main` moved under the change 3 time\(s\) already \(iterate\.max_iterations: 3\); a person decides/,
    );
    expect(held.head_sha).toBe(rebuilt.head_sha);
    // The story's base stays where the last rebuild put it.
    expect((await app.pool.query(`SELECT base_sha FROM stories WHERE id = $1`, [held.id])).rows[0].base_sha).toBe(movedBase);
  });
});
