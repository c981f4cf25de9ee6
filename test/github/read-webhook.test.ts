import { describe, expect, it } from "vitest";
import { createRequire } from "node:module";
import { readCheckRunEvent, readPullRequestEvent } from "../../src/github/read-webhook.js";
import { parseStoryMarker, storyMarker } from "../../src/github/story-marker.js";

// The package is CommonJS JSON whose typings declare a default export that NodeNext does not see.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as { name: string; examples: unknown[] }[];

function example(name: string, action: string): Record<string, unknown> {
  const found = examples.find((d) => d.name === name)?.examples.find((e) => (e as { action?: string }).action === action);
  if (!found) throw new Error(`no ${name}.${action} example`);
  return structuredClone(found) as Record<string, unknown>;
}

/** GitHub's example, moved onto a WAVE branch with the story marker in its body. */
function onWaveBranch(payload: Record<string, unknown>, overrides: { merged?: boolean } = {}): Record<string, unknown> {
  const pr = payload.pull_request as { head: { ref: string }; body: string | null; merged: boolean };
  pr.head.ref = "wave/6-add-a-tool";
  pr.body = `Closes #6\n\n${storyMarker("st_6")}`;
  if (overrides.merged !== undefined) pr.merged = overrides.merged;
  return payload;
}

describe("readPullRequestEvent", () => {
  it("reads pull_request.closed without merge as closed", () => {
    const payload = onWaveBranch(example("pull_request", "closed"));
    expect(readPullRequestEvent(payload)).toMatchObject({
      kind: "closed",
      pullNumber: 2,
      branch: "wave/6-add-a-tool",
      storyId: "st_6",
      issueNumber: 6,
    });
  });

  it("reads pull_request.closed with merged: true as merged", () => {
    // GitHub's examples only hold unmerged closes; a merge differs by `merged` alone.
    const payload = onWaveBranch(example("pull_request", "closed"), { merged: true });
    expect(readPullRequestEvent(payload)?.kind).toBe("merged");
  });

  it("reads pull_request.synchronize as a push with the new head and the one before", () => {
    const payload = onWaveBranch(example("pull_request", "synchronize"));
    expect(readPullRequestEvent(payload)).toEqual({
      kind: "pushed",
      pullNumber: 2,
      headSha: "ec26c3e57ca3a959ca5aad62de7213c562f8c821",
      before: "f95f852bd8fca8fcc58a9a2d6c842781e32a215e",
      branch: "wave/6-add-a-tool",
      storyId: "st_6",
      issueNumber: 6,
      senderLogin: "Codertocat",
      senderIsBot: false,
    });
  });

  it("ignores PRs outside wave/ and other actions", () => {
    expect(readPullRequestEvent(example("pull_request", "synchronize"))).toBeNull();
    expect(readPullRequestEvent(onWaveBranch(example("pull_request", "labeled")))).toBeNull();
  });

  it("keeps the issue number from the branch when someone removed the marker", () => {
    const payload = onWaveBranch(example("pull_request", "closed"));
    (payload.pull_request as { body: string | null }).body = null;
    expect(readPullRequestEvent(payload)).toMatchObject({ storyId: null, issueNumber: 6 });
  });
});

describe("readCheckRunEvent", () => {
  it("reads check_run.rerequested", () => {
    const payload = example("check_run", "rerequested");
    expect(readCheckRunEvent(payload)).toEqual({
      kind: "rerequested",
      checkRunId: 4,
      name: "randscape",
      headSha: "d6fde92930d4715a2b49857d24b940956b26d2d3",
      storyId: null,
      senderLogin: expect.any(String) as string,
    });
  });

  it("ignores runs of other apps when the app id is given", () => {
    const payload = example("check_run", "rerequested");
    const appId = (payload.check_run as { app: { id: number } }).app.id;
    expect(readCheckRunEvent(payload, appId + 1)).toBeNull();
    expect(readCheckRunEvent(payload, appId)?.kind).toBe("rerequested");
  });

  it("reads a requested action's identifier and our external id", () => {
    const payload = example("check_run", "requested_action");
    (payload.check_run as { external_id: string }).external_id = "st_6";
    const event = readCheckRunEvent(payload);
    expect(event?.kind).toBe("requested_action");
    expect(event?.storyId).toBe("st_6");
    expect(event?.identifier).toBe((payload.requested_action as { identifier: string }).identifier);
  });
});

describe("story marker", () => {
  it("round-trips and finds the first marker in a body", () => {
    expect(parseStoryMarker(`text\n${storyMarker("st_9")}\n${storyMarker("st_1")}`)).toBe("st_9");
    expect(parseStoryMarker("<!-- wave:story= -->")).toBeNull();
  });
});
