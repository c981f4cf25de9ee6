import { runVerify } from "../agents/verify.js";
import type { GateWorker } from "../engine/run-gate.js";
import { openWorkspace, type GateDeps } from "./gate-context.js";
import { userMessage } from "../errors.js";
import { SetupFailed } from "./setup-phase.js";
import { storedPlan } from "./stored-plan.js";

/** G4 Verify: the repository's test command in the sandbox; its exit code decides, not the model. */
export function verifyGate(deps: GateDeps): GateWorker {
  return async (story, _snapshot, job) => {
    const plan = storedPlan(story);
    if (!plan.test_command)
      return { type: "GATE_FAILED", by: "wave", reason: "the plan has no test command; set `test_command` in .github/wave.yml" };
    let ws;
    try {
      ws = await openWorkspace(deps, story, job.id, { setup: true });
    } catch (error) {
      // A setup that fails is not a test failure: the story holds with the log instead of recycling.
      if (error instanceof SetupFailed) return { type: "GATE_FAILED", by: "wave", reason: userMessage(error) };
      throw error;
    }
    try {
      const limits = story.config.agents.limits;
      const result = await runVerify(ws, plan.test_command, {
        timeoutMs: limits.test_timeout_seconds * 1000,
        maxOutputChars: limits.max_failure_chars,
      });
      return result.passed ? { type: "VERIFY_PASSED", by: "wave" } : { type: "VERIFY_FAILED", by: "wave", output: result.output };
    } finally {
      await ws.destroy();
    }
  };
}
