import type { ModelPlan } from "../../src/agents/plan.js";
import { reply, textReply, toolUse } from "../support/fake-anthropic.js";
import type { FakeMessageReply } from "../support/fake-anthropic.js";

/** The plan a scripted planner submits for the calc-js fixture. */
export const calcPlan: ModelPlan = {
  summary: "Make add() return the sum so the failing test passes.",
  steps: [
    { title: "Fix add", detail: "In src/calc.js, return a + b instead of a - b." },
    { title: "Run the tests", detail: "npm test must pass." },
  ],
  files_in_scope: ["src/calc.js"],
  acceptance_criteria: ["add(2, 3) returns 5", "npm test passes"],
  test_command_suggestion: "npm test",
  risks: ["multiply must keep working"],
};

export const submitPlan = (plan: unknown = calcPlan): FakeMessageReply => reply([toolUse("submit_plan", plan)]);

export const edit = (input: Record<string, unknown>): FakeMessageReply => reply([toolUse("str_replace_based_edit_tool", input)]);
export const bash = (command: string): FakeMessageReply => reply([toolUse("bash", { command })]);
export const done = (summary = "Fixed add() in src/calc.js; npm test passes."): FakeMessageReply => textReply(summary);
