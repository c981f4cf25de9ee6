import { SUBMIT_REVIEW_TOOL } from "../../src/review/reviewer.js";
import { scorerToolName } from "../../src/safety/scorer/scorer-answer.js";
import { calcPlan } from "../agents/scripts.js";
import { reply, textReply, toolUse, type RecordedRequest } from "../support/fake-anthropic.js";

/** What the developer writes when a review asks for named parameters and a comment: both line comments addressed. */
export const ADDRESSED = "/** Adds two numbers. */\nexport function add(x, y) {\n  // The sum, not the difference.\n  return x + y;\n}\n";

function firstUserText(request: RecordedRequest): string {
  const first = request.body?.messages[0];
  if (!first) return "";
  if (typeof first.content === "string") return first.content;
  return first.content.map((c) => ("text" in c ? c.text : "")).join("\n");
}

function allUserText(request: RecordedRequest): string {
  return (request.body?.messages ?? [])
    .filter((m) => m.role === "user")
    .map((m) => (typeof m.content === "string" ? m.content : m.content.map((c) => ("text" in c ? c.text : "")).join("\n")))
    .join("\n");
}

/**
 * The base branch's `add()` after its own edit (`Number(…)` around each operand) on the line WAVE fixed, and what the
 * developer writes when told the merge conflicted there: both sides' intent, the sum of the numbers.
 */
export const BASE_ADD_LINE = "  return Number(a) - Number(b);";
export const RESOLVED_ADD_LINE = "  return Number(a) + Number(b);";

/** What the developer writes when the repository's CI log says multiply() is undocumented for floats. */
export const CI_FIXED = "/** Multiplies two numbers, floats included. */";

/**
 * The scripted model for iterations: plans calc-js, scores everything safe, reviews
 * without findings. The developer fixes add() on the first build; sent back by a review
 * whose line comments it can read, it rewrites add() to address them; sent back by a
 * review that says "again", it changes nothing; sent back by a failing CI job whose log it
 * reads, it fixes what the log names; sent back by a review that says "again", it changes nothing (the runaway case the loop guard holds);
 * told that merging its change onto a moved base conflicted in src/calc.js, it keeps both sides (`RESOLVED_ADD_LINE`).
 */
export function iterationModel(request: RecordedRequest): ReturnType<typeof reply> {
  const body = request.body;
  const tools = (body?.tools ?? []).map((t) => ("name" in t ? t.name : ""));
  if (tools.includes(scorerToolName))
    return reply([toolUse(scorerToolName, { score: 0.96, violations: [], risks: [], reasoning: "A small, in-scope change." })]);
  if (tools.includes("submit_plan")) return reply([toolUse("submit_plan", calcPlan)]);
  if (tools.includes(SUBMIT_REVIEW_TOOL))
    return reply([toolUse(SUBMIT_REVIEW_TOOL, { verdict: "looks_right", summary: "add() returns the sum.", criteria: [], findings: [] })]);
  const last = body?.messages.at(-1);
  const answeredTool = Array.isArray(last?.content) && last.content.some((c) => c.type === "tool_result");
  if (answeredTool) return textReply("Done.");
  const prompt = `${firstUserText(request)}\n${allUserText(request)}`;
  if (prompt.includes("<merge_conflict>") && prompt.includes("conflicted in src/calc.js")) {
    // Only the conflicted lines are rewritten: whatever else the base changed in the file stays.
    const resolve = `awk '/^<<<<<<< /{skip=1; print "${RESOLVED_ADD_LINE}"; next} /^>>>>>>> /{skip=0; next} !skip' src/calc.js > calc.resolved && mv calc.resolved src/calc.js`;
    return reply([toolUse("bash", { command: resolve })]);
  }
  if (prompt.includes("<untrusted_review_comment>") && prompt.includes("name them x and y") && prompt.includes("says why")) {
    return reply([
      toolUse("str_replace_based_edit_tool", {
        command: "create",
        path: "/workspace/src/calc.js",
        file_text: `${ADDRESSED}\n/** Multiplies two numbers. */\nexport function multiply(a, b) {\n  return a * b;\n}\n`,
      }),
    ]);
  }
  if (prompt.includes("<untrusted_job_log>") && prompt.includes("multiply(0.1, 3)")) {
    return reply([
      toolUse("str_replace_based_edit_tool", {
        command: "str_replace",
        path: "/workspace/src/calc.js",
        old_str: "/** Multiplies two numbers. */",
        new_str: CI_FIXED,
      }),
    ]);
  }
  if (prompt.includes("<untrusted_review>")) {
    // Sent back again: it looks, and leaves the file as it is.
    return reply([toolUse("str_replace_based_edit_tool", { command: "view", path: "/workspace/src/calc.js" })]);
  }
  return reply([
    toolUse("str_replace_based_edit_tool", {
      command: "str_replace",
      path: "/workspace/src/calc.js",
      old_str: "return a - b;",
      new_str: "return a + b;",
    }),
  ]);
}
