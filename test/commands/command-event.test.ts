import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "../../src/commands/command-catalog.js";
import { readCommandEvent } from "../../src/commands/command-event.js";
import { formatCommand } from "../../src/commands/format-command.js";
import { parseCommands } from "../../src/commands/parse-commands.js";
import { edit, examplePayload } from "./support/examples.js";

describe("readCommandEvent", () => {
  it("reads a new issue comment", () => {
    const payload = edit(examplePayload("issue_comment", "created"), { body: "/wave status" });
    expect(readCommandEvent("issue_comment", payload)).toMatchObject({
      kind: "text",
      source: "issue_comment",
      text: "/wave status",
      sender: { login: "Codertocat", type: "User" },
      repository: { owner: { login: "Codertocat", type: "User" }, name: "Hello-World" },
      number: 1,
      isPullRequest: false,
    });
  });

  it("knows a comment on a pull request", () => {
    const payload = edit(examplePayload("issue_comment", "created"), { body: "/wave approve" });
    (payload.issue as Record<string, unknown>).pull_request = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
    expect(readCommandEvent("issue_comment", payload)).toMatchObject({ kind: "text", isPullRequest: true });
  });

  it("reads a submitted review, with an empty body when it has none", () => {
    const event = readCommandEvent("pull_request_review", examplePayload("pull_request_review", "submitted"));
    expect(event).toMatchObject({ kind: "text", source: "pull_request_review", text: "", isPullRequest: true });
  });

  it("reads a button click", () => {
    const payload = edit(examplePayload("check_run", "requested_action"), { identifier: "unhold" });
    expect(readCommandEvent("check_run", payload)).toMatchObject({
      kind: "button",
      command: { name: "unhold" },
      checkRunId: 1494503112,
      storyId: null,
      appId: expect.any(Number) as number,
      repository: { owner: { login: "electron", type: "Organization" }, name: "electron" },
    });
  });

  it("ignores other events and malformed payloads", () => {
    expect(readCommandEvent("issues", examplePayload("issue_comment", "created"))).toEqual({ kind: "ignored", reason: "not-a-command" });
    expect(readCommandEvent("issue_comment", { action: "created" })).toEqual({ kind: "ignored", reason: "not-a-command" });
    expect(readCommandEvent("issue_comment", null)).toEqual({ kind: "ignored", reason: "not-a-command" });
  });
});

describe("formatCommand", () => {
  const text = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 .,]{0,30}[A-Za-z0-9]$/);
  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.option(text, { nil: null }).map((reason): Command => ({ name: "hold", reason })),
    fc.option(text, { nil: null }).map((reason): Command => ({ name: "stop-all", reason })),
    text.map((reason): Command => ({ name: "kill", reason })),
    text.map((feedback): Command => ({ name: "recycle", feedback })),
    fc.integer({ min: 1, max: 10_000 }).map((amountCents): Command => ({ name: "budget", amountCents })),
    fc.constantFrom<Command>(
      { name: "unhold" },
      { name: "approve" },
      { name: "retry" },
      { name: "status" },
      { name: "help" },
      { name: "resume-all" },
    ),
  );
  it("writes what the parser reads back", () => {
    fc.assert(
      fc.property(command, (c) => {
        const normalised = JSON.parse(JSON.stringify(c).replace(/ {2,}/g, " ")) as Command;
        expect(parseCommands(formatCommand(c))).toEqual({ kind: "commands", commands: [normalised] });
      }),
      { numRuns: 500 },
    );
  });
});
