import { describe, expect, it } from "vitest";
import { pullRequestTitle, renderPullRequestBody } from "../../src/publish/pr-body.js";
import { parseStoryMarker } from "../../src/github/story-marker.js";
import { gatesAtReview, spend } from "../checks/fixtures.js";

const input = {
  storyId: "st_6",
  issueNumber: 6,
  plan: {
    summary: "Add a `tool` script and wire it into the CLI.",
    steps: ["Create bin/tool", "Export `a` from src/a.ts\nwith the new value", "Document it in the README"],
    acceptanceCriteria: ["`bin/tool` prints `tool`", "npm test passes"],
  },
  gates: gatesAtReview,
  budget: { capUsd: 5, rows: spend },
  safety: { score: 0.912, verdict: "passed: no policy findings" },
  statusUrl: "https://github.com/octo-org/hello/issues/6#issuecomment-1",
};

describe("renderPullRequestBody", () => {
  it("renders the story's PR body", () => {
    expect(renderPullRequestBody(input)).toMatchSnapshot();
  });

  it("closes the issue and ends with the story marker, even when cut", () => {
    const long = renderPullRequestBody({ ...input, plan: { ...input.plan, summary: "z".repeat(70_000) } });
    expect(long.startsWith("Closes #6\n")).toBe(true);
    expect(long.length).toBeLessThanOrEqual(65_536);
    expect(long).toContain("truncated");
    expect(parseStoryMarker(long)).toBe("st_6");
    expect(long.endsWith("<!-- wave:story=st_6 -->")).toBe(true);
  });

  it("says when safety has not scored yet and when a list is empty", () => {
    const body = renderPullRequestBody({
      ...input,
      safety: { score: null, verdict: "pending" },
      plan: { ...input.plan, acceptanceCriteria: [] },
    });
    expect(body).toContain("**Safety:** pending (score not scored yet)");
    expect(body).toContain("_none_");
  });
});

describe("pullRequestTitle", () => {
  it("keeps the story's title on one line", () => {
    expect(pullRequestTitle("  Add\n a   tool ")).toBe("Add a tool");
    expect(pullRequestTitle("x".repeat(300))).toHaveLength(256);
  });
});
