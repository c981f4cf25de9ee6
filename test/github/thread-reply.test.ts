import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { replyInThreadOnce } from "../../src/github/thread-reply.js";
import { FakeGitHub, OWNER, REPO } from "../publish/fake-github.js";

let fake: FakeGitHub;
beforeEach(() => (fake = new FakeGitHub()));
afterEach(() => fake.close());

const where = { owner: OWNER, repo: REPO, pullNumber: 100, commentId: 4242 };
const routes = () => fake.requests.map((r) => `${r.method} ${r.path.replace(/\?.*$/, "")}`);
const LIST = `GET /repos/${OWNER}/${REPO}/pulls/100/comments`;
const POST = `POST /repos/${OWNER}/${REPO}/pulls/100/comments/4242/replies`;

describe("replyInThreadOnce", () => {
  it("posts at once on the claimed first attempt, and a later attempt finds the reply instead of posting again", async () => {
    await replyInThreadOnce(fake.context().octokit, where, "it1:4242", "Addressed in abc.", true);
    expect(routes()).toEqual([POST]);
    expect(fake.threadReplies).toHaveLength(1);
    expect(fake.threadReplies[0]?.body).toContain("<!-- wave:thread-reply=it1:4242 -->");

    // A retried effect (the claim is taken): the marker is looked for, and nothing is posted twice.
    await replyInThreadOnce(fake.context().octokit, where, "it1:4242", "Addressed in abc.");
    expect(routes()).toEqual([POST, LIST]);
    expect(fake.threadReplies).toHaveLength(1);
  });

  it("looks before it posts when the attempt is not the first, and posts when nothing is there", async () => {
    await replyInThreadOnce(fake.context().octokit, where, "it2:4242", "Addressed in def.");
    expect(routes()).toEqual([LIST, POST]);
    expect(fake.threadReplies).toHaveLength(1);
  });

  it("after an ambiguous answer on a first attempt, looks by marker before it sends again", async () => {
    fake.failOnce("POST", /\/replies$/, 502, { message: "Bad Gateway" });
    await replyInThreadOnce(fake.context().octokit, where, "it3:4242", "Addressed in 123.", true);
    expect(routes()).toEqual([POST, LIST, POST]);
    expect(fake.threadReplies).toHaveLength(1);
  });
});
