import { afterEach, beforeEach, expect, it } from "vitest";
import { publishStory } from "../../src/publish/publish-story.js";
import { markReadyForReview } from "../../src/github/mark-ready.js";
import { ensurePullRequest } from "../../src/github/ensure-pull-request.js";
import { renderPullRequestBody } from "../../src/publish/pr-body.js";
import { storyBranch } from "../../src/publish/branch-name.js";
import { writeCheckRun } from "../../src/github/write-check-run.js";
import type { CheckRunRecord } from "../../src/github/write-check-run.js";
import type { CheckRunPayload } from "../../src/github/check-run-payload.js";
import { postReview } from "../../src/github/post-review.js";
import { gateActions, renderGatesCheck } from "../../src/checks/gates-check.js";
import { renderBudgetCheck } from "../../src/checks/budget-check.js";
import { GATES } from "../../src/checks/types.js";
import type { GateRow, StoryStanding } from "../../src/checks/types.js";
import { FakeGitHub } from "./fake-github.js";

let fake: FakeGitHub;
beforeEach(() => (fake = new FakeGitHub()));
afterEach(() => fake.close());

const details = "https://github.com/octo-org/hello/issues/6#issuecomment-1";
const gates = (reached: number, state: GateRow["state"]) =>
  GATES.map((gate, i): GateRow => ({ gate, state: i < reached ? "passed" : i === reached ? state : "pending" }));
const gatesCheck = (standing: StoryStanding, rows: GateRow[]) =>
  renderGatesCheck({
    storyId: "st_6",
    issueNumber: 6,
    standing,
    gates: rows,
    decisions: [],
    detailsUrl: details,
    actions: gateActions(standing),
  });
const budget = (spent: number) =>
  renderBudgetCheck({
    storyId: "st_6",
    capUsd: 5,
    heldForBudget: false,
    detailsUrl: details,
    rows: [{ role: "developer", model: "claude-sonnet-4-5", calls: 9, inputTokens: 90_000, outputTokens: 8_000, costUsd: spent }],
  });
const safety: CheckRunPayload = {
  name: "wave/safety",
  status: "completed",
  conclusion: "success",
  title: "Score 0.93",
  summary: "No findings.",
};

/**
 * The GitHub side of a one-iteration story from publish to merge, as the effects
 * would run it: publish (3 files), three check runs, the reviewer's review, the
 * approval, the merge. The lead adds status comment, labels and intake reads on top.
 */
it("a one-iteration story's publish, checks, review and approval stay within the request budget", async () => {
  const base = fake.commit({ "src/a.ts": { content: "a\n" }, "README.md": { content: "r\n" } });
  fake.refs.set("refs/heads/main", base);
  const ctx = fake.context();
  const branch = storyBranch(6, "Add a tool");
  const body = (rows: GateRow[]) =>
    renderPullRequestBody({
      storyId: "st_6",
      issueNumber: 6,
      plan: { summary: "s", steps: ["a"], acceptanceCriteria: ["b"] },
      gates: rows,
      budget: { capUsd: 5, rows: [] },
      safety: { score: 0.93, verdict: "passed" },
    });
  const stored = new Map<string, CheckRunRecord>();
  const check = async (headSha: string, payload: CheckRunPayload) => {
    const { record } = await writeCheckRun(ctx, { headSha, payload, stored: stored.get(payload.name) });
    stored.set(payload.name, record);
  };

  const { change, pullRequest } = await publishStory(ctx, {
    storyId: "st_6",
    branch,
    baseBranch: "main",
    planBaseSha: base,
    message: "Add a tool (#6)",
    title: "Add a tool",
    body: body(gates(6, "running")),
    draft: true,
    files: [
      { path: "src/a.ts", status: "modified", mode: "100644", content: Buffer.from("a2\n"), binary: false },
      { path: "README.md", status: "modified", mode: "100644", content: Buffer.from("r2\n"), binary: false },
      { path: "bin/tool", status: "added", mode: "100755", content: Buffer.from("#!/bin/sh\n"), binary: false },
    ],
  });
  const afterPublish = fake.requests.length;
  const head = change.commitSha;
  await check(head, gatesCheck("working", gates(6, "running")));
  await check(head, safety);
  await check(head, budget(0.8));
  await postReview(ctx, {
    pullNumber: pullRequest.pullRequest.number,
    commitId: head,
    marker: "<!-- wave:review=st_6 -->",
    body: "Looks right.",
    comments: [{ path: "src/a.ts", line: 1, body: "nit" }],
  });
  await check(head, gatesCheck("awaiting_approval", gates(6, "awaiting_approval")));
  await check(head, budget(0.9));
  // `/wave approve`: ready for review, checks green, PR body's gate table refreshed.
  await markReadyForReview(ctx, pullRequest.pullRequest);
  await check(head, gatesCheck("ready", gates(7, "pending")));
  await ensurePullRequest(ctx, {
    branch,
    baseBranch: "main",
    title: "Add a tool",
    body: body(gates(7, "pending")),
    draft: true,
    opened: true,
  });
  // Merged: the final gates run; safety and budget are unchanged, so no request.
  await check(head, gatesCheck("done", gates(8, "passed")));
  await check(head, safety);

  const total = fake.requests.length;
  console.log(
    `GitHub requests, publish (3 files): ${afterPublish}; checks, review, approval and merge: ${total - afterPublish}; total: ${total}`,
  );
  expect(afterPublish).toBe(9);
  expect(total).toBeLessThanOrEqual(25);
  expect(fake.count("POST", /\/git\/commits$/)).toBe(1);
  expect(fake.count("POST", /\/pulls$/)).toBe(1);
});
