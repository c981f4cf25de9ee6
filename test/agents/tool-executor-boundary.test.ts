import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeToolCall } from "../../src/agents/tool-executor.js";
import type { ToolCallScreen } from "../../src/agents/screening.js";
import { BASH_TOOL_NAME, EDITOR_TOOL_NAME } from "../../src/agents/tools.js";
import type { Workspace } from "../../src/sandbox/runner.js";
import { emptyTarball, testRunner } from "../sandbox/harness.js";

/** The screen lets everything through: what is under test is what the sandbox then refuses or kills. */
const allowAll: ToolCallScreen = { screen: async () => ({ decision: "allow", score: 1, reasons: [], ruleIds: [] }) };
const limits = { commandTimeoutMs: 90_000, maxResultChars: 20_000, workspaceRoot: "/workspace" };

describe("the developer's tools at the workspace boundary (real sandbox)", () => {
  const runner = testRunner();
  let ws: Workspace;

  beforeAll(async () => {
    ws = await runner.createWorkspace(
      { storyId: "tools", jobId: `tools-${process.pid}`, limits: { memory_mb: 1024, workspace_mb: 64, tmp_mb: 32, pids_limit: 64 } },
      emptyTarball(),
    );
    const r = await ws.exec(["sh", "-c", "ln -s /tmp tmplink && ln -s /etc/passwd passwd"]);
    expect(r.exitCode).toBe(0);
  });

  afterAll(async () => {
    await ws?.destroy();
  });

  const call = (name: string, input: unknown) => executeToolCall(ws, { id: "t1", name, input }, 1, allowAll, { storyId: "tools" }, limits);

  it("tells the model, as the tool's error, that a path through a link leaves the workspace", async () => {
    const created = await call(EDITOR_TOOL_NAME, { command: "create", path: "tmplink/evil.txt", file_text: "x\n" });
    expect(created.isError).toBe(true);
    expect(created.content).toContain(
      "The path tmplink/evil.txt leads outside the workspace: a symbolic link in it resolves to /tmp/evil.txt.",
    );
    const viewed = await call(EDITOR_TOOL_NAME, { command: "view", path: "passwd" });
    expect(viewed.isError).toBe(true);
    expect(viewed.content).toContain("resolves to /etc/passwd");
    expect(viewed.content).not.toContain("root:x:0:0");
    const check = await ws.exec(["sh", "-c", "test -e /tmp/evil.txt && echo EXISTS; true"]);
    expect(check.stdout).toBe("");
  });

  it("reports a fork bomb as killed at the process limit, and the next call runs", async () => {
    const bomb = await call(BASH_TOOL_NAME, { command: "python3 -c 'import os\nwhile True:\n  try: os.fork()\n  except OSError: pass'" });
    expect(bomb.isError).toBe(true);
    expect(bomb.content).toContain("[killed: process limit");
    expect(bomb.log.exitCode).toBe(137);
    const next = await call(BASH_TOOL_NAME, { command: "echo still here" });
    expect(next).toMatchObject({ isError: false, content: "still here\n" });
  }, 120_000);
});
