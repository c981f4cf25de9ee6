import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costOf, estimateInputTokens } from "../../src/agents/cost.js";
import { runDeveloper } from "../../src/agents/developer.js";
import type { Plan } from "../../src/agents/plan.js";
import { defaultConfig } from "../../src/config/schema.js";
import { builtInPrices } from "../../src/config/sections/budget.js";
import { BudgetExceeded } from "../../src/errors.js";
import { createToolCallScreen } from "../../src/safety/create-tool-call-screen.js";
import { scorerToolName } from "../../src/safety/scorer/scorer-answer.js";
import type { Workspace } from "../../src/sandbox/runner.js";
import { reply, startFakeAnthropic, toolUse } from "../support/fake-anthropic.js";
import type { FakeAnthropic, FakeReply } from "../support/fake-anthropic.js";
import { harness } from "./support/harness.js";
import type { Harness } from "./support/harness.js";
import { localWorkspaceFrom } from "./support/local-workspace.js";
import { calcPlan } from "./scripts.js";

/**
 * The hard cap with the safety scorer on it: 100 randomized stories whose
 * developer's every tool call is screened with `scorer.always_score`, the
 * scorer's calls metered on the same ledger and scope as the developer's.
 * Spend never exceeds the cap, and equals the sum of the metered calls as
 * the (fake) API billed them, at the one price table.
 */
const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const plan: Plan = {
  ...calcPlan,
  test_command: "npm test",
  test_command_source: "detected",
  test_command_reason: "package.json scripts.test",
};
const developerModel = "claude-sonnet-5-5";
const safety = defaultConfig().safety;
const scorerModel = safety.scorer.model;

let h: Harness;
let fake: FakeAnthropic;
let ws: Workspace;
let run = 0;
const figures = { stories: 0, developerCalls: 0, scorerCalls: 0, maxSpendToCap: 0 };
beforeAll(async () => {
  h = await harness();
  fake = await startFakeAnthropic();
  ws = await localWorkspaceFrom(fixture);
});
afterAll(async () => {
  await fake.close();
  await ws.destroy();
  await h.close();
});

describe("budget with the scorer on the ledger", () => {
  it(
    "over 100 randomized stories with always_score, spend never exceeds the cap and equals the metered calls",
    { timeout: 600_000 },
    async () => {
      const devPrice = builtInPrices[developerModel]!;
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            capCalls: fc.double({ min: 0.3, max: 5, noNaN: true }),
            maxTokens: fc.integer({ min: 300, max: 2_000 }),
            scorerOut: fc.double({ min: 0.2, max: 1, noNaN: true }),
            turns: fc.array(
              fc.record({ out: fc.double({ min: 0.3, max: 1, noNaN: true }), inputShare: fc.double({ min: 0.5, max: 1, noNaN: true }) }),
              { minLength: 1, maxLength: 8 },
            ),
          }),
          async ({ capCalls, maxTokens, scorerOut, turns }) => {
            const capUsd = capCalls * ((8_000 * devPrice.input + maxTokens * devPrice.output) / 1_000_000);
            let i = 0;
            run++;
            fake.clearCache();
            fake.setResponder((req): FakeReply => {
              const body = req.body!;
              const prompt = estimateInputTokens(body);
              if ((body.tool_choice as { name?: string } | undefined)?.name === scorerToolName) {
                const usage = { input_tokens: prompt, output_tokens: Math.max(1, Math.floor(body.max_tokens * scorerOut)) };
                return reply([toolUse(scorerToolName, { score: 0.95, violations: [], risks: [], reasoning: "scripted" })], { usage });
              }
              const t = turns[i++ % turns.length]!;
              const usage = { input_tokens: Math.floor(prompt * t.inputShare), output_tokens: Math.max(1, Math.floor(maxTokens * t.out)) };
              return reply(
                [
                  toolUse("str_replace_based_edit_tool", {
                    command: "create",
                    path: `notes/${run}/${i}.txt`,
                    file_text: "x".repeat(i * 40),
                  }),
                ],
                { usage },
              );
            });
            const before = fake.messageRequests().length;
            const deps = h.deps(fake, { storyCapUsd: capUsd });
            const screen = createToolCallScreen({ config: { ...safety, scorer: { ...safety.scorer, always_score: true } }, model: deps });
            const outcome = await runDeveloper(
              { ...deps, workspace: ws, screen },
              {
                storyId: deps.scope.storyId,
                story: { title: "t", body: "b" },
                plan,
                role: { model: developerModel, max_tokens: maxTokens },
                limits: { maxTurns: 200, maxWallMs: 600_000, maxToolResultChars: 2_000, commandTimeoutMs: 5_000 },
              },
            );
            expect(outcome.status).toBe("budget_exhausted");
            expect(outcome.error).toBeInstanceOf(BudgetExceeded);
            const calls = await h.ledger.calls(deps.scope.storyId);
            expect(calls.every((c) => c.status === "settled")).toBe(true);
            const requests = fake.messageRequests().slice(before);
            // Every request the API saw is a metered call: as many rows as requests, per role.
            const scorerRequests = requests.filter((r) => (r.body?.tool_choice as { name?: string } | undefined)?.name === scorerToolName);
            expect(calls.filter((c) => c.role === "scorer")).toHaveLength(scorerRequests.length);
            expect(calls.filter((c) => c.role === "developer")).toHaveLength(requests.length - scorerRequests.length);
            const billed = requests.reduce((n, r) => {
              if (!r.usage) return n;
              const price = builtInPrices[r.body?.model ?? ""]!;
              return (
                n +
                costOf(
                  {
                    inputTokens: r.usage.input_tokens,
                    outputTokens: r.usage.output_tokens,
                    cacheWriteTokens: r.usage.cache_creation_input_tokens,
                    cacheReadTokens: r.usage.cache_read_input_tokens,
                  },
                  price,
                )
              );
            }, 0);
            const spent = await h.ledger.storySpentUsd(deps.scope.storyId);
            expect(spent).toBeLessThanOrEqual(capUsd + 1e-6);
            // The ledger stores each call's cost rounded to the micro-dollar.
            expect(Math.abs(spent - billed)).toBeLessThanOrEqual(1e-6 * calls.length);
            expect(spent).toBeCloseTo(
              calls.reduce((n, c) => n + (c.costUsd ?? 0), 0),
              6,
            );
            figures.stories++;
            figures.scorerCalls += scorerRequests.length;
            figures.developerCalls += requests.length - scorerRequests.length;
            figures.maxSpendToCap = Math.max(figures.maxSpendToCap, spent / capUsd);
          },
        ),
        { numRuns: 100, seed: Number(process.env.FC_SEED ?? 20261201) },
      );
      console.log(
        `budget+scorer property: ${figures.stories} stories, ${figures.developerCalls} developer calls, ${figures.scorerCalls} scorer calls (${scorerModel}), max spend/cap ${figures.maxSpendToCap.toFixed(4)}`,
      );
      // Not vacuous: the scorer was called, in most stories.
      expect(figures.scorerCalls).toBeGreaterThanOrEqual(50);
    },
  );
});
