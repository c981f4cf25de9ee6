import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDeveloper } from "../../src/agents/developer.js";
import { runPlanner } from "../../src/agents/planner.js";
import { summarizeRepository } from "../../src/agents/repo-summary.js";
import { runVerify } from "../../src/agents/verify.js";
import { agentsSection } from "../../src/config/sections/agents.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { startFakeAnthropic } from "../support/fake-anthropic.js";
import { harness, testScreen } from "./support/harness.js";
import type { Harness } from "./support/harness.js";
import { fixtureTarball } from "./support/fixture-tarball.js";
import { bash, done, edit, submitPlan } from "./scripts.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const agents = agentsSection.parse({});

let h: Harness;
beforeAll(async () => {
  h = await harness();
});
afterAll(async () => {
  await h.close();
});

describe("gates 1 → 4 in the real Docker + gVisor sandbox", () => {
  it("plans, builds and verifies the calc-js fix; the recycle path sees the failure", { timeout: 180_000 }, async () => {
    const fake = await startFakeAnthropic({
      script: [
        submitPlan(),
        edit({ command: "view", path: "/workspace" }),
        edit({ command: "str_replace", path: "/workspace/src/calc.js", old_str: "return a - b;", new_str: "return b - a;" }),
        done("Changed add."),
        bash("npm test"),
        edit({ command: "str_replace", path: "src/calc.js", old_str: "return b - a;", new_str: "return a + b;" }),
        done(),
      ],
    });
    const runner = createDockerRunner({ instance: "agents-test" });
    const deps = h.deps(fake);
    const ws = await runner.createWorkspace({ storyId: deps.scope.storyId, jobId: "agents-gates" }, fixtureTarball(fixture));
    try {
      const summary = await summarizeRepository(ws, 20_000);
      expect(summary.tree).toEqual(expect.arrayContaining(["package.json", "src/calc.js"]));
      const { plan } = await runPlanner(deps, {
        story: { title: "add() subtracts", body: "Fix add." },
        summary,
        role: agents.planner,
        configuredTestCommand: null,
      });
      expect(plan.test_command).toBe("npm test");

      const limits = { maxTurns: 10, maxWallMs: 120_000, maxToolResultChars: 4_000, commandTimeoutMs: 60_000 };
      const dev = { ...deps, workspace: ws, screen: testScreen() };
      const input = {
        storyId: deps.scope.storyId,
        story: { title: "add() subtracts", body: "Fix add." },
        plan,
        role: agents.developer,
        limits,
      };

      const first = await runDeveloper(dev, input);
      expect(first.status).toBe("done");
      expect(first.toolCalls.every((c) => !c.isError)).toBe(true);
      const failed = await runVerify(ws, plan.test_command!, { timeoutMs: 120_000, maxOutputChars: 3_000 });
      expect(failed.passed).toBe(false);

      const second = await runDeveloper(dev, { ...input, failure: failed.output });
      expect(second.status).toBe("done");
      expect(second.toolCalls.map((c) => [c.tool, c.isError])).toEqual([
        ["bash", true],
        ["str_replace_based_edit_tool", false],
      ]);
      const passed = await runVerify(ws, plan.test_command!, { timeoutMs: 120_000, maxOutputChars: 3_000 });
      expect(passed.passed).toBe(true);
      const change = await ws.exportChange();
      expect(change.patch).toContain("+  return a + b;");
      expect(change.files.map((f) => f.path)).toEqual(["src/calc.js"]);
    } finally {
      await ws.destroy();
      await fake.close();
    }
  });
});
