import { afterAll, beforeAll, expect, it } from "vitest";
import { isOwnComment } from "../../src/github/own-comment.js";
import { parseStoryMarker, storyMarker } from "../../src/github/story-marker.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { APP_AUTHOR } from "../support/fake-comment.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { githubExample } from "../support/webhook-examples.js";

/**
 * The status comment's hidden marker is trusted only on the app's own comments. A person who
 * pastes a story's marker into a comment of theirs, before the story's status comment exists,
 * must not have that comment edited by WAVE nor taken for the status comment.
 */
let app: TestApp;
let github: FakeGitHub;
const ISSUE = 12;
const key = `octo-org/hello#${ISSUE}`;

beforeAll(async () => {
  github = await startFakeGitHub();
  app = await startTestApp({ githubBaseUrl: github.url });
});
afterAll(async () => {
  await app?.stop();
  await github?.close();
});

it("a person's comment carrying the story's marker is never edited nor taken for the status comment", { timeout: 60_000 }, async () => {
  // The app's first status comment is answered 502 before GitHub saves it, so the app must look for its
  // comment by marker; by then a person has posted one carrying that very marker.
  let planted: { id: number; body: string } | undefined;
  github.fault = ({ method, path }) => {
    if (planted || method !== "POST" || path !== `/repos/octo-org/hello/issues/${ISSUE}/comments`) return undefined;
    const body = String((github.requests.at(-1)?.body as { body?: string } | undefined)?.body ?? "");
    const storyId = parseStoryMarker(body);
    if (!storyId) return undefined;
    planted = { id: 777, body: `I am the status comment now.\n${storyMarker(storyId)}` };
    const list = github.comments.get(key) ?? [];
    list.push({ ...planted, user: { login: "mallory", type: "User" }, performed_via_github_app: null });
    github.comments.set(key, list);
    return { kind: "refuse", status: 502, body: { message: "Bad Gateway" } };
  };

  const labeled = githubExample<Record<string, unknown> & { issue: Record<string, unknown>; label: { name: string } }>("issues", "labeled");
  labeled.label.name = "wave";
  Object.assign(labeled.issue, { number: ISSUE, title: "add() subtracts", body: "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n" });
  const repository = labeled.repository as Record<string, unknown>;
  labeled.repository = {
    ...repository,
    name: "hello",
    full_name: "octo-org/hello",
    owner: { ...(repository.owner as object), login: "octo-org" },
  };
  labeled.installation = { id: 9 };
  expect((await app.send("issues", labeled)).status).toBe(200);

  const story = await waitFor(
    async () =>
      (await app.pool.query(`SELECT id, status_comment_id FROM stories WHERE issue_number = $1 AND status_comment_id IS NOT NULL`, [ISSUE]))
        .rows[0] as { id: string; status_comment_id: number } | undefined,
    30_000,
    "the story's status comment",
  );
  expect(planted, "the person's comment was planted before the app looked").toBeDefined();
  const comments = github.comments.get(key) ?? [];
  const mallory = comments.find((c) => c.id === 777);
  expect(mallory?.body).toBe(planted?.body);
  expect(github.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/issues/comments/777"))).toEqual([]);
  expect(Number(story.status_comment_id)).not.toBe(777);
  const ours = comments.filter((c) => c.body.includes(storyMarker(story.id)) && c.user?.type === "Bot");
  expect(ours.map((c) => c.id)).toEqual([Number(story.status_comment_id)]);
});

it("counts a comment as the app's own only when GitHub names this app as its author", () => {
  const marker = { body: storyMarker("s1") };
  expect(isOwnComment({ ...marker, ...APP_AUTHOR }, 1)).toBe(true);
  // Another app's bot, a person, a person calling themselves a bot in their login, no author at all.
  expect(isOwnComment({ ...marker, user: { login: "other[bot]", type: "Bot" }, performed_via_github_app: { id: 2 } }, 1)).toBe(false);
  expect(isOwnComment({ ...marker, user: { login: "mallory", type: "User" }, performed_via_github_app: null }, 1)).toBe(false);
  expect(isOwnComment({ ...marker, user: { login: "wave[bot]", type: "User" }, performed_via_github_app: { id: 1 } }, 1)).toBe(false);
  expect(isOwnComment({ ...marker, user: null }, 1)).toBe(false);
  // Without a known app id (in-process tests), any app's comment counts, a person's never.
  expect(isOwnComment({ ...marker, user: { login: "other[bot]", type: "Bot" } }, undefined)).toBe(true);
  expect(isOwnComment({ ...marker, user: { login: "mallory", type: "User" } }, undefined)).toBe(false);
});
