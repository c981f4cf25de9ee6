import { SUBMIT_REVIEW_TOOL } from "../../src/review/reviewer.js";
import { scorerToolName } from "../../src/safety/scorer/scorer-answer.js";
import { calcPlan } from "../agents/scripts.js";
import { reply, textReply, toolUse, type RecordedRequest } from "../support/fake-anthropic.js";

/** The scripted model: plans calc-js, scores everything safe, fixes add(), reviews with one line comment. */
export function scriptedModel(request: RecordedRequest): ReturnType<typeof reply> {
  const body = request.body;
  const tools = (body?.tools ?? []).map((t) => ("name" in t ? t.name : ""));
  if (tools.includes(scorerToolName))
    return reply([toolUse(scorerToolName, { score: 0.96, violations: [], risks: [], reasoning: "A small, in-scope change." })]);
  if (tools.includes("submit_plan")) return reply([toolUse("submit_plan", calcPlan)]);
  if (tools.includes(SUBMIT_REVIEW_TOOL)) {
    return reply([
      toolUse(SUBMIT_REVIEW_TOOL, {
        verdict: "looks_right",
        summary: "add() now returns the sum; the existing test covers it.",
        criteria: [
          { criterion: "add(2, 3) returns 5", met: true, note: "return a + b" },
          { criterion: "npm test passes", met: true, note: "verified in the sandbox" },
        ],
        findings: [{ path: "src/calc.js", line: 3, severity: "nit", body: "A test for negative numbers would pin this down." }],
      }),
    ]);
  }
  const last = body?.messages.at(-1);
  const answeredTool = Array.isArray(last?.content) && last.content.some((c) => c.type === "tool_result");
  if (answeredTool) return textReply("Changed add() in src/calc.js.");
  return reply([
    toolUse("str_replace_based_edit_tool", {
      command: "str_replace",
      path: "/workspace/src/calc.js",
      old_str: "return a - b;",
      new_str: "return a + b;",
    }),
  ]);
}
