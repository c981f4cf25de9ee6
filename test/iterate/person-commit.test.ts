import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyEvent } from "../../src/engine/apply-event.js";
import { storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import { waitFor, type TestApp } from "../support/app-harness.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import { githubExample } from "../support/webhook-examples.js";
import { ADDRESSED } from "./review-model.js";
import { startIterateApp, type IterateApp, type IterateRow } from "./iterate-app.js";

/**
 * A person's commit on WAVE's branch, through the running app: GitHub's own
 * `pull_request.synchronize` and `pull_request_review.submitted` example payloads (ids and heads
 * adapted), the person's commit and its tarball on the loopback fake, the real gVisor sandbox and
 * the scripted model. The next iteration builds on the person's head, and WAVE's commit goes on
 * top of it.
 */
const ISSUE = 81;
const REPO_ID = 8181;
const WAIT = Number(process.env.E2E_WAIT_MS ?? 240_000);
const NOTE = "# Notes\n\nadd() is checked by hand with add(2, 3).\n";

let app: TestApp;
let fake: FakeAnthropic;
let github: StoryGitHub;
let harness: IterateApp | undefined;

beforeAll(async () => {
  harness = await startIterateApp({ config: "max_recycles: 1\n", instance: "iterate-person-e2e" });
  ({ app, fake, github } = harness);
});
afterAll(async () => {
  // Every request WAVE made is one GitHub documents.
  expect((await harness?.close()) ?? []).toEqual([]);
});

const row = () => harness!.row(ISSUE);
const engine = () => ({ pool: app.pool, boss: app.boss, log: pino({ level: "silent" }) });
const outcome = (deliveryId: string) => harness!.outcome(deliveryId);

let nextId = 980_000;
/** A review line comment shaped like GitHub's own `pull_request_review_comment` example. */
function lineComment(reviewId: number, head: string, line: number, body: string): Record<string, unknown> {
  const c = githubExample<{ comment: Record<string, unknown> }>("pull_request_review_comment", "created").comment;
  const { in_reply_to_id: _reply, ...rest } = c;
  return {
    ...rest,
    id: nextId++,
    pull_request_review_id: reviewId,
    path: "src/calc.js",
    line,
    original_line: line,
    commit_id: head,
    diff_hunk: "@@ -1,4 +1,4 @@\n /** Adds two numbers. */\n export function add(a, b) {\n-  return a - b;\n+  return a + b;",
    body,
  };
}

/** A person's commit on `branch` on top of `parent`, adding `files`; GitHub's `pull_request.synchronize` reports it. */
async function personPush(branch: string, pr: number, parent: string, files: Record<string, string>, deliveryId: string): Promise<string> {
  const tree = Object.fromEntries(github.fake.filesOf(parent));
  for (const [path, content] of Object.entries(files)) tree[path] = { mode: "100644", content: Buffer.from(content) };
  const theirs = github.fake.commit(tree, [parent], "a person's commit");
  github.fake.refs.set(`refs/heads/${branch}`, theirs);
  const push = githubExample<Record<string, unknown> & { pull_request: Record<string, unknown> }>("pull_request", "synchronize");
  Object.assign(push, { number: pr, before: parent, after: theirs });
  Object.assign(push.pull_request, { number: pr, head: { ...(push.pull_request.head as object), ref: branch, sha: theirs } });
  push.repository = storyRepository(REPO_ID);
  push.installation = { id: 9 };
  push.sender = { login: "octocat", type: "User" };
  await app.send("pull_request", push, deliveryId);
  await waitFor(async () => (await row())?.head_sha === theirs && (await outcome(deliveryId)), 30_000, "the person's head");
  return theirs;
}

/** A maintainer's changes-requested review on `head` with the two line comments the scripted developer addresses. */
async function changesRequested(branch: string, pr: number, head: string, reviewId: number, deliveryId: string): Promise<void> {
  github.fake.reviewComments.set(reviewId, [
    lineComment(reviewId, head, 2, "These are not a and b in the issue: name them x and y."),
    lineComment(reviewId, head, 3, "Add a one-line comment that says why this is a sum."),
  ]);
  const review = githubExample<Record<string, unknown> & { review: Record<string, unknown>; pull_request: Record<string, unknown> }>(
    "pull_request_review",
    "submitted",
  );
  const user = { ...(review.review.user as object), login: "maintainer", type: "User" };
  Object.assign(review.review, { id: reviewId, state: "changes_requested", body: "See the lines.", commit_id: head, user });
  Object.assign(review.pull_request, { number: pr, head: { ...(review.pull_request.head as object), ref: branch, sha: head } });
  review.repository = storyRepository(REPO_ID);
  review.installation = { id: 9 };
  review.sender = user;
  await app.send("pull_request_review", review, deliveryId);
}

/** Waits for the story to stop at the safety gate's escalation (or to stop being active). */
const escalation = () =>
  waitFor(
    async () => {
      const r = await row();
      return r?.snapshot.context.step === "safetyApproval" || r?.status !== "active" ? r : undefined;
    },
    WAIT,
    "the safety gate's verdict on the person's and WAVE's change",
  );

describe("a person's commit on WAVE's branch", () => {
  let first: IterateRow;

  it("label → PR waiting for approval", { timeout: WAIT + 30_000 }, async () => {
    first = await harness!.openPullRequest(ISSUE, REPO_ID, WAIT);
  });

  it(
    "survives the next iteration: WAVE builds on the person's head and its commit goes on top, a fast-forward",
    { timeout: WAIT + 30_000 },
    async () => {
      const head = first.head_sha ?? "";
      const branch = first.branch ?? "";
      const pr = first.pull_request ?? 0;
      // A person adds a file on WAVE's branch; GitHub reports the push.
      const theirs = await personPush(branch, pr, head, { "NOTES.md": NOTE }, "person-push");
      // The story re-scored the person's push, as before.
      expect(await outcome("person-push")).toMatch(/: safety \d\.\d+ \((allow|escalate)\) on [0-9a-f]{7}$/);

      // A maintainer asks for changes on the person's head.
      await changesRequested(branch, pr, theirs, 4_300_001, "review-after-person");
      // The person's commit is scored with WAVE's like any change: their file is outside the plan's scope, so a person decides.
      const escalated = await escalation();
      expect(escalated.snapshot.context.step, escalated.snapshot.context.lastFailure ?? "").toBe("safetyApproval");
      const flagged = await app.pool.query(
        `SELECT detail->>'reason' AS reason FROM audit_events WHERE story_id = $1 AND event = 'SAFETY_ESCALATED' ORDER BY id DESC LIMIT 1`,
        [escalated.id],
      );
      expect(flagged.rows[0].reason).toContain("NOTES.md");
      expect((await applyEvent(engine(), escalated.id, { type: "APPROVE", by: "maintainer" })).applied).toBe(true);
      const after = await harness!.atRest(ISSUE, "WAVE's commit on the person's head", WAIT, theirs);
      expect(after.status, after.snapshot.context.lastFailure ?? "").toBe("active");

      // WAVE's next commit stands on the person's commit: nothing of theirs was rewritten.
      const ours = after.head_sha ?? "";
      expect(github.fake.commits.get(ours)?.parents).toEqual([theirs]);
      expect(github.fake.refs.get(`refs/heads/${branch}`)).toBe(ours);
      const moves = github.fake.requests.filter((r) => r.method === "PATCH" && r.path.endsWith(`/git/refs/heads/${branch}`));
      expect(moves.at(-1)?.body).toMatchObject({ sha: ours, force: false });
      // The person's file is in WAVE's tree, and so is the review's fix.
      const tree = github.fake.filesOf(ours);
      expect(tree.get("NOTES.md")?.content.toString()).toBe(NOTE);
      expect(tree.get("src/calc.js")?.content.toString()).toContain(ADDRESSED);
      // The kept change holds the person's commit and WAVE's, against the base, and was scored again.
      const kept = await app.pool.query(`SELECT files, built_on_head FROM story_changes WHERE story_id = $1`, [after.id]);
      expect(kept.rows[0].built_on_head).toBe(theirs);
      expect((kept.rows[0].files as { path: string }[]).map((f) => f.path).sort()).toEqual(["NOTES.md", "src/calc.js"]);
      const audit = await app.pool.query(`SELECT event FROM audit_events WHERE story_id = $1 ORDER BY id`, [after.id]);
      const events = audit.rows.map((r: { event: string }) => r.event);
      expect(events.slice(events.lastIndexOf("RECYCLE"))).toEqual(
        expect.arrayContaining(["BUILD_DONE", "VERIFY_PASSED", "SAFETY_ESCALATED", "APPROVE", "REVIEW_DONE"]),
      );
      // The developer worked on the person's files: its prompt had the review, its workspace the note.
      expect(fake.messageRequests().some((r) => r.rawBody.includes("name them x and y"))).toBe(true);
      expect(github.fake.threadReplies.map((r) => r.body).every((b) => b.includes(`Addressed in ${ours}`))).toBe(true);
    },
  );

  it(
    "a push that lands after the build started is never written over: the publish holds saying so",
    { timeout: WAIT + 30_000 },
    async () => {
      const r = (await row()) as IterateRow;
      const branch = r.branch ?? "";
      const pr = r.pull_request ?? 0;
      const theirs = await personPush(branch, pr, r.head_sha ?? "", { "NOTES.md": `${NOTE}\nAnd once more.\n` }, "person-push-2");
      await changesRequested(branch, pr, theirs, 4_300_002, "review-after-person-2");
      // The build started from `theirs` and the story waits at the safety gate: now the person pushes again.
      const waiting = await escalation();
      expect(waiting.snapshot.context.step, waiting.snapshot.context.lastFailure ?? "").toBe("safetyApproval");
      const later = await personPush(branch, pr, theirs, { "LATER.md": "Pushed while WAVE worked.\n" }, "person-push-3");
      const commits = github.fake.count("POST", /\/git\/commits$/);
      expect((await applyEvent(engine(), waiting.id, { type: "APPROVE", by: "maintainer" })).applied).toBe(true);
      const held = await waitFor(
        async () => {
          const now = await row();
          return now?.status === "held" ? now : undefined;
        },
        WAIT,
        "the hold over the later push",
      );
      expect(held.snapshot.context.lastFailure).toContain(
        `has commits WAVE did not make (head ${later.slice(0, 7)}), so WAVE did not overwrite it`,
      );
      expect(github.fake.refs.get(`refs/heads/${branch}`)).toBe(later);
      expect(github.fake.count("POST", /\/git\/commits$/)).toBe(commits);
    },
  );
});
