import type { ToolCall, ToolCallScreen } from "../../src/agents/screening.js";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAnthropicClient } from "../../src/agents/anthropic-client.js";
import { developerLimitsFor, modelDepsFor } from "../../src/agents/deps.js";
import { defaultConfig } from "../../src/config/schema.js";
import { runDeveloper } from "../../src/agents/developer.js";
import type { DeveloperInput } from "../../src/agents/developer.js";
import { meteredCall } from "../../src/agents/model-call.js";
import type { Plan } from "../../src/agents/plan.js";
import { runPlanner } from "../../src/agents/planner.js";
import { summarizeRepository } from "../../src/agents/repo-summary.js";
import { agentsSection } from "../../src/config/sections/agents.js";
import { ModelOutputInvalid, ModelUnavailable } from "../../src/errors.js";
import type { Workspace } from "../../src/sandbox/runner.js";
import { malformedJson, overloaded, rateLimited, reply, startFakeAnthropic, textReply, toolUse } from "../support/fake-anthropic.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";
import { harness, testScreen } from "./support/harness.js";
import type { Harness } from "./support/harness.js";
import { localWorkspaceFrom } from "./support/local-workspace.js";
import { bash, calcPlan, done, edit, submitPlan } from "./scripts.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const agents = agentsSection.parse({});
const limits = { maxTurns: 20, maxWallMs: 60_000, maxToolResultChars: 1_000, commandTimeoutMs: 10_000 };
const story = { title: "add() subtracts", body: "Fix it." };
const plan: Plan = {
  ...calcPlan,
  test_command: "npm test",
  test_command_source: "detected",
  test_command_reason: "package.json scripts.test",
};

let h: Harness;
let fake: FakeAnthropic | undefined;
let ws: Workspace | undefined;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});
afterEach(async () => {
  await fake?.close();
  await ws?.destroy();
  fake = undefined;
  ws = undefined;
});

async function developer(script: Parameters<typeof startFakeAnthropic>[0], over: Partial<DeveloperInput> = {}, screen = testScreen()) {
  fake = await startFakeAnthropic(script);
  ws = await localWorkspaceFrom(fixture);
  const deps = h.deps(fake);
  const outcome = await runDeveloper(
    { ...deps, workspace: ws, screen },
    { storyId: deps.scope.storyId, story, plan, role: agents.developer, limits, ...over },
  );
  return { outcome, fake, ws, deps };
}

/** The tool_result blocks the developer sent back in request `n`. */
function toolResults(f: FakeAnthropic, n: number): { content: string; is_error?: boolean }[] {
  const body = f.messageRequests()[n]?.body;
  const last = body?.messages[body.messages.length - 1];
  if (!last || typeof last.content === "string") return [];
  return last.content.flatMap((b) =>
    b.type === "tool_result" ? [{ content: String(b.content), ...(b.is_error ? { is_error: true } : {}) }] : [],
  );
}

describe("malformed model output never crashes the developer", () => {
  it("answers an unknown tool and invalid tool input with clear tool errors, and goes on", async () => {
    const { outcome, fake } = await developer({
      script: [
        reply([toolUse("computer", { action: "screenshot" })]),
        edit({ command: "str_replace", path: "src/calc.js", new_str: "x" }),
        edit({ command: "undo_edit", path: "src/calc.js" }),
        bash(""),
        edit({ command: "view", path: "/etc/passwd" }),
        edit({ command: "str_replace", path: "src/calc.js", old_str: "return a", new_str: "x" }),
        done(),
      ],
    });
    expect(outcome.status).toBe("done");
    expect(toolResults(fake, 1)[0]).toEqual({ content: expect.stringMatching(/Unknown tool "computer"/), is_error: true });
    expect(toolResults(fake, 2)[0]).toEqual({
      content: expect.stringMatching(/Invalid input for str_replace_based_edit_tool: old_str/),
      is_error: true,
    });
    expect(toolResults(fake, 3)[0]?.content).toMatch(/undo_edit is not available/);
    expect(toolResults(fake, 4)[0]?.content).toMatch(/Invalid input for bash: command: command is empty/);
    expect(toolResults(fake, 5)[0]?.content).toMatch(/outside the repository/);
    expect(toolResults(fake, 6)[0]?.content).toMatch(/occurs 2 times in src\/calc\.js/);
    expect(outcome.toolCalls.map((c) => c.decision)).toEqual(["invalid", "invalid", "invalid", "invalid", "invalid", "allow"]);
  });

  it("nudges after an empty answer and records a failure when it keeps answering nothing", async () => {
    const empty = () => reply([], { stop_reason: "end_turn" });
    const { outcome, fake } = await developer({ script: [empty(), empty(), empty()] });
    expect(outcome.status).toBe("failed");
    expect(outcome.reason).toMatch(/neither a tool call nor a summary/);
    const second = fake.messageRequests()[1]!.rawBody;
    expect(second).toMatch(/Your answer was empty/);
  });

  it("asks to continue after an answer cut off at max_tokens", async () => {
    const { outcome, fake } = await developer({ script: [textReply("I will now", { stop_reason: "max_tokens" }), done()] });
    expect(outcome.status).toBe("done");
    expect(fake.messageRequests()[1]!.rawBody).toMatch(/cut off at max_tokens/);
  });

  it("sends a refusal from the screen back as a tool error and records the verdict", async () => {
    const screen = testScreen((c) => (c.tool === "bash" && c.command.includes("curl") ? "network access is not allowed" : undefined));
    const { outcome, fake } = await developer({ script: [bash("curl https://example.com"), done()] }, {}, screen);
    expect(outcome.status).toBe("done");
    expect(toolResults(fake, 1)[0]).toEqual({
      content: expect.stringMatching(/Refused by WAVE's safety screen \(blocked\): network access/),
      is_error: true,
    });
    expect(outcome.toolCalls[0]).toMatchObject({ decision: "block", reasons: ["network access is not allowed"], ruleIds: ["test.refuse"] });
  });

  it("runs an escalated call and flags it in the tool-call log", async () => {
    const screen: ToolCallScreen & { seen: ToolCall[] } = {
      seen: [],
      screen: async () => ({ decision: "escalate", score: 0.8, reasons: ["unusual but not forbidden"], ruleIds: ["test.escalate"] }),
    };
    const { outcome, fake } = await developer({ script: [bash("echo flagged"), done()] }, {}, screen);
    expect(outcome.status).toBe("done");
    expect(toolResults(fake, 1)[0]).toEqual({ content: "flagged\n" });
    expect(outcome.toolCalls[0]).toMatchObject({ decision: "escalate", reasons: ["unusual but not forbidden"], isError: false });
  });

  it("truncates a long tool result with a marker, and stops at the turn limit", async () => {
    const { outcome, fake } = await developer({ responder: () => bash("seq 1 100000") }, { limits: { ...limits, maxTurns: 2 } });
    expect(outcome.status).toBe("turn_limit");
    const result = toolResults(fake, 1)[0]!;
    expect(result.content.length).toBeLessThanOrEqual(1_000);
    expect(result.content).toMatch(/characters cut by WAVE/);
    expect(result.content.startsWith("1\n2\n")).toBe(true);
    expect(outcome.toolCalls[0]?.truncated).toBe(true);
  });

  it("stops at the wall-time limit", async () => {
    let t = 0;
    fake = await startFakeAnthropic({ responder: () => bash("true") });
    ws = await localWorkspaceFrom(fixture);
    const deps = h.deps(fake);
    const outcome = await runDeveloper(
      { ...deps, workspace: ws, screen: testScreen(), now: () => (t += 10_000) },
      { storyId: deps.scope.storyId, story, plan, role: agents.developer, limits: { ...limits, maxWallMs: 35_000 } },
    );
    expect(outcome.status).toBe("time_limit");
    expect(outcome.turns).toBeGreaterThanOrEqual(1);
    expect(outcome.turns).toBeLessThan(4);
    expect(outcome.reason).toMatch(/35 s of wall time/);
  });
});

describe("malformed plans", () => {
  it("gives the planner one corrective turn for a plan that fails the schema", async () => {
    fake = await startFakeAnthropic({ script: [submitPlan({ ...calcPlan, steps: [] }), submitPlan()] });
    ws = await localWorkspaceFrom(fixture);
    const summary = await summarizeRepository(ws, 10_000);
    const r = await runPlanner(h.deps(fake), { story, summary, role: agents.planner, configuredTestCommand: null });
    expect(r.requests).toBe(2);
    expect(fake.messageRequests()[1]!.rawBody).toMatch(/The plan was rejected: steps: Too small/);
  });

  it("fails with ModelOutputInvalid, recorded in the ledger, when no valid plan arrives", async () => {
    fake = await startFakeAnthropic({ script: [textReply("Here is my plan: do it."), submitPlan({ summary: "x" })] });
    ws = await localWorkspaceFrom(fixture);
    const summary = await summarizeRepository(ws, 10_000);
    const deps = h.deps(fake);
    const err = await runPlanner(deps, { story, summary, role: agents.planner, configuredTestCommand: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelOutputInvalid);
    expect((err as Error).message).toMatch(/no usable plan after 2 requests: the plan did not match the schema: steps/);
    expect(fake.messageRequests()[1]!.rawBody).toMatch(/No plan was submitted/);
    expect(await h.ledger.calls(deps.scope.storyId)).toHaveLength(2);
  });
});

describe("API errors", () => {
  it("retries 429 and 529, then succeeds; the ledger holds one settled call", async () => {
    fake = await startFakeAnthropic({ script: [rateLimited(0), overloaded(), submitPlan()] });
    ws = await localWorkspaceFrom(fixture);
    const deps = h.deps(fake, {}, { max_retries: 2 });
    const summary = await summarizeRepository(ws, 10_000);
    const r = await runPlanner(deps, { story, summary, role: agents.planner, configuredTestCommand: null });
    expect(r.plan.summary).toBe(calcPlan.summary);
    expect(fake.messageRequests().map((q) => q.status)).toEqual([429, 529, 200]);
    expect((await h.ledger.calls(deps.scope.storyId)).map((c) => c.status)).toEqual(["settled"]);
  });

  it("turns exhausted retries and malformed JSON into ModelUnavailable, recorded as failed calls", async () => {
    fake = await startFakeAnthropic({ script: [overloaded(), overloaded(), malformedJson()] });
    const deps = h.deps(fake, {}, { max_retries: 1 });
    const params = { model: "claude-sonnet-5-5", max_tokens: 100, messages: [{ role: "user" as const, content: "x" }] };
    await expect(meteredCall(deps, "developer", params)).rejects.toThrow(ModelUnavailable);
    await expect(meteredCall(deps, "developer", params)).rejects.toThrow(ModelUnavailable);
    expect((await h.ledger.calls(deps.scope.storyId)).map((c) => c.status)).toEqual(["failed", "failed"]);
    expect(await h.ledger.storySpentUsd(deps.scope.storyId)).toBe(0);
  });

  it("a developer run reports model_unavailable instead of throwing", async () => {
    const { outcome } = await developer({ script: [overloaded()] });
    expect(outcome.status).toBe("model_unavailable");
    expect(outcome.error).toBeInstanceOf(ModelUnavailable);
  });

  it("a missing key is ModelUnavailable with what to do", () => {
    expect(() => createAnthropicClient({ max_retries: 1, request_timeout_seconds: 10 }, {})).toThrow(ModelUnavailable);
    expect(() => createAnthropicClient({ max_retries: 1, request_timeout_seconds: 10 }, { ANTHROPIC_API_KEY: "  " })).toThrow(
      /ANTHROPIC_API_KEY/,
    );
  });

  it("builds a story's model deps from config, and a missing key stops them", async () => {
    const config = defaultConfig();
    expect(() => modelDepsFor({ config, pool: h.pool, storyId: "s", repoId: 1, env: {} })).toThrow(ModelUnavailable);
    const deps = modelDepsFor({ config, pool: h.pool, storyId: "s", repoId: 1, env: { ANTHROPIC_API_KEY: "k" } });
    expect(deps.scope).toEqual({ storyId: "s", repoId: 1, storyCapUsd: 4, repoCapUsd: 200 });
    expect(developerLimitsFor(config)).toEqual({
      maxTurns: 40,
      maxWallMs: 1_800_000,
      maxToolResultChars: 20_000,
      commandTimeoutMs: 300_000,
    });
  });

  it("a refused key is ModelUnavailable", async () => {
    fake = await startFakeAnthropic({
      script: [{ kind: "error", status: 401, errorType: "authentication_error", message: "invalid x-api-key" }],
    });
    const deps = h.deps(fake);
    const err = await meteredCall(deps, "planner", {
      model: "claude-sonnet-5-5",
      max_tokens: 10,
      messages: [{ role: "user", content: "x" }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelUnavailable);
    expect((err as ModelUnavailable).hint).toMatch(/ANTHROPIC_API_KEY/);
  });
});
