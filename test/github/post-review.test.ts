import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { postReview } from "../../src/github/post-review.js";
import { FakeGitHub } from "../publish/fake-github.js";

let fake: FakeGitHub;
beforeEach(() => (fake = new FakeGitHub()));
afterEach(() => fake.close());

const review = {
  pullNumber: 100,
  commitId: "e".repeat(40),
  marker: "<!-- wave:review=st_1:eeeeeee -->",
  body: "The change meets the plan; two findings.",
  comments: [
    { path: "src/a.ts", line: 3, body: "Off by one?" },
    { path: "src/b.ts", line: 9, startLine: 7, side: "LEFT" as const, body: "This removal drops the guard." },
  ],
};

describe("postReview", () => {
  it("posts one COMMENT review with line comments, and finds it by its marker the second time", async () => {
    const first = await postReview(fake.context(), review);
    expect(first).toMatchObject({ action: "created", inlined: false, requests: 2 });
    const posted = fake.requests[1];
    expect(posted).toMatchObject({ method: "POST", path: "/repos/octo-org/hello/pulls/100/reviews" });
    expect(posted?.body).toEqual({
      commit_id: review.commitId,
      event: "COMMENT",
      body: `${review.body}\n\n${review.marker}`,
      comments: [
        { path: "src/a.ts", line: 3, side: "RIGHT", body: "Off by one?" },
        { path: "src/b.ts", line: 9, side: "LEFT", start_line: 7, start_side: "LEFT", body: "This removal drops the guard." },
      ],
    });
    const second = await postReview(fake.context(), review);
    expect(second).toEqual({ reviewId: first.reviewId, action: "existing", inlined: false, requests: 1 });
    expect(fake.reviews.get(100)).toHaveLength(1);
  });

  it("puts the findings in the body when GitHub refuses a line outside the diff", async () => {
    fake.failOnce("POST", /\/reviews$/, 422, { message: "Unprocessable Entity", errors: ["Line could not be resolved"] });
    const result = await postReview(fake.context(), review);
    expect(result).toMatchObject({ action: "created", inlined: true, requests: 3 });
    const body = fake.reviews.get(100)?.[0]?.body ?? "";
    expect(body).toContain("- `src/a.ts:3`: Off by one?");
    expect(body).toContain("- `src/b.ts:7-9`: This removal drops the guard.");
    expect(body.endsWith(review.marker)).toBe(true);
  });
});
