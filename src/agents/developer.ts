import type {
  ContentBlock,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
  ToolUnion,
  ToolUseBlock,
} from "@anthropic-ai/sdk/resources/messages/messages.js";
import { BudgetExceeded, ModelUnavailable } from "../errors.js";
import type { WaveError } from "../errors.js";
import type { Workspace } from "../sandbox/runner.js";
import { withMovingBreakpoint } from "./cache-breakpoints.js";
import { estimateInputTokens } from "./cost.js";
import type { TokenUsage } from "./cost.js";
import { meteredCall } from "./model-call.js";
import type { ModelDeps } from "./model-call.js";
import type { Plan } from "./plan.js";
import type { ToolCallScreen } from "./screening.js";
import { executeToolCall } from "./tool-executor.js";
import type { ToolCallLogEntry } from "./tool-executor.js";
import { BASH_TOOL, EDITOR_TOOL } from "./tools.js";
import { quoteUntrusted, UNTRUSTED_NOTICE } from "./untrusted.js";

export interface DeveloperLimits {
  maxTurns: number;
  maxWallMs: number;
  maxToolResultChars: number;
  commandTimeoutMs: number;
}

export interface DeveloperDeps extends ModelDeps {
  workspace: Workspace;
  screen: ToolCallScreen;
  /** Milliseconds clock; injectable so limits can be tested. */
  now?: () => number;
}

export interface DeveloperInput {
  storyId: string;
  story: { title: string; body: string };
  plan: Plan;
  role: { model: string; max_tokens: number };
  limits: DeveloperLimits;
  /** Trimmed output of the failed verify this run must fix (a recycle), if any. */
  failure?: string;
  /** Feedback from `/wave recycle <feedback>`; untrusted like the story. */
  feedback?: string;
  /**
   * The base branch moved and merging the kept change onto it left conflicts (WAVE's own words,
   * naming the paths; see src/gates/merge-kept-change.ts): the run resolves them first.
   */
  mergeConflict?: string;
  /** Where the model is told the repository is. Default "/workspace". */
  workspaceRoot?: string;
}

export type DeveloperStatus =
  /** The model said it is finished (the verify gate decides whether it is). */
  | "done"
  | "turn_limit"
  | "time_limit"
  | "budget_exhausted"
  | "model_unavailable"
  /** The model kept answering nothing usable. */
  | "failed";

export interface DeveloperOutcome {
  status: DeveloperStatus;
  /** One sentence for the status comment. */
  reason: string;
  /** The named error behind budget_exhausted / model_unavailable. */
  error?: WaveError;
  /** The model's last text, e.g. its summary of the change. */
  finalText: string;
  turns: number;
  toolCalls: ToolCallLogEntry[];
  usage: TokenUsage;
  costUsd: number;
  /** Time inside model requests and inside the sandbox, for the bench. */
  modelMs: number;
  sandboxMs: number;
}

const MAX_EMPTY_ANSWERS = 2;

function systemPrompt(root: string): string {
  return `You are the developer of WAVE, working on a GitHub repository checked out at ${root} inside a sandbox without network access.
Implement the plan with the two tools:
- bash: each command runs in a fresh shell at ${root} ("cd" does not carry over; chain with &&). No network: the dependencies are already installed (setup phase); do not install packages.
- str_replace_based_edit_tool: view files and directories, create files, str_replace (old_str must match exactly once), insert. Paths are relative to ${root} or absolute under it.
Work in small steps: read the relevant code, change it, run the tests, fix what fails. Stay within the files in scope unless the plan cannot work without another file; never touch CI configuration or secrets.
Every tool call is screened; a refused call comes back as an error: do not repeat it.
When the change is complete and the tests pass, answer with a short summary of what you changed and no tool call.
${UNTRUSTED_NOTICE}`;
}

function taskMessage(input: DeveloperInput): string {
  const p = input.plan;
  const lines = [
    "<plan>",
    `Summary: ${p.summary}`,
    "Steps:",
    ...p.steps.map((s, i) => `${i + 1}. ${s.title}${s.detail ? ` — ${s.detail}` : ""}`),
    `Files in scope: ${p.files_in_scope.join(", ")}`,
    "Acceptance criteria:",
    ...p.acceptance_criteria.map((c) => `- ${c}`),
    `Test command: ${p.test_command ?? "(none configured)"}`,
    "</plan>",
    quoteUntrusted("untrusted_story", `# ${input.story.title}\n\n${input.story.body}`),
  ];
  return lines.join("\n");
}

function followUp(input: DeveloperInput): string | undefined {
  const parts: string[] = [];
  if (input.mergeConflict) parts.push(`<merge_conflict>\n${input.mergeConflict}\n</merge_conflict>`);
  if (input.failure)
    parts.push(
      `The test command \`${input.plan.test_command ?? ""}\` failed after your last change. Its output (trimmed):\n<test_output>\n${input.failure}\n</test_output>\nFix the cause.`,
    );
  if (input.feedback)
    parts.push(`A maintainer sent the story back with this feedback:\n${quoteUntrusted("untrusted_feedback", input.feedback)}`);
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/** Estimated input tokens of a developer run's first request, for the pre-flight estimate. */
export function developerBasePromptTokens(input: Pick<DeveloperInput, "story" | "plan" | "workspaceRoot">): number {
  return estimateInputTokens({
    system: systemPrompt(input.workspaceRoot ?? "/workspace"),
    tools: [BASH_TOOL, EDITOR_TOOL],
    messages: [
      {
        role: "user",
        content: taskMessage({
          ...input,
          role: { model: "", max_tokens: 1 },
          storyId: "",
          limits: { maxTurns: 1, maxWallMs: 1, maxToolResultChars: 1, commandTimeoutMs: 1 },
        }),
      },
    ],
  });
}

/**
 * Gate 3 (and each recycle): the tool loop. Each model turn may ask for bash
 * and editor calls; each call is validated, screened, run in the workspace and
 * answered with a (size-capped) tool result. Stops when the model answers
 * without a tool call, or at the turn, time or budget limit. Never throws for
 * model mistakes; sandbox failures propagate.
 */
export async function runDeveloper(deps: DeveloperDeps, input: DeveloperInput): Promise<DeveloperOutcome> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const root = input.workspaceRoot ?? "/workspace";
  const tools: ToolUnion[] = [BASH_TOOL, { ...EDITOR_TOOL, cache_control: { type: "ephemeral" } }];
  const system: TextBlockParam[] = [{ type: "text", text: systemPrompt(root), cache_control: { type: "ephemeral" } }];
  const first: TextBlockParam[] = [{ type: "text", text: taskMessage(input) }];
  const extra = followUp(input);
  first.push({ type: "text", text: extra ?? "Implement the plan." });
  // The plan and the story are the stable prefix; the follow-up sits in the same turn, after it.
  const messages: MessageParam[] = [{ role: "user", content: first }];

  const out: DeveloperOutcome = {
    status: "failed",
    reason: "",
    finalText: "",
    turns: 0,
    toolCalls: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 },
    costUsd: 0,
    modelMs: 0,
    sandboxMs: 0,
  };
  const finish = (status: DeveloperStatus, reason: string, error?: WaveError): DeveloperOutcome => ({
    ...out,
    status,
    reason,
    ...(error ? { error } : {}),
  });
  let emptyAnswers = 0;

  for (;;) {
    if (out.turns >= input.limits.maxTurns)
      return finish("turn_limit", `The developer used all ${input.limits.maxTurns} turns without finishing.`);
    if (now() - started >= input.limits.maxWallMs)
      return finish("time_limit", `The developer ran out of its ${Math.round(input.limits.maxWallMs / 1000)} s of wall time.`);
    let result;
    try {
      result = await meteredCall(deps, "developer", {
        model: input.role.model,
        max_tokens: input.role.max_tokens,
        system,
        tools,
        messages: withMovingBreakpoint(messages),
      });
    } catch (error) {
      if (error instanceof BudgetExceeded) return finish("budget_exhausted", error.message, error);
      if (error instanceof ModelUnavailable) return finish("model_unavailable", error.message, error);
      throw error;
    }
    out.turns++;
    out.costUsd += result.costUsd;
    out.modelMs += result.latencyMs;
    out.usage.inputTokens += result.usage.inputTokens;
    out.usage.outputTokens += result.usage.outputTokens;
    out.usage.cacheWriteTokens += result.usage.cacheWriteTokens;
    out.usage.cacheReadTokens += result.usage.cacheReadTokens;
    const content = result.message.content;
    const text = content
      .filter((b: ContentBlock) => b.type === "text")
      .map((b) => (b.type === "text" ? b.text : ""))
      .join("\n")
      .trim();
    if (text) out.finalText = text;
    const uses = content.filter((b: ContentBlock): b is ToolUseBlock => b.type === "tool_use");

    if (uses.length === 0) {
      if (text && result.message.stop_reason !== "max_tokens") return finish("done", "The developer finished its change.");
      emptyAnswers++;
      if (emptyAnswers > MAX_EMPTY_ANSWERS)
        return finish("failed", `The developer answered ${emptyAnswers} times with neither a tool call nor a summary.`);
      if (content.length > 0) messages.push({ role: "assistant", content });
      const nudge =
        result.message.stop_reason === "max_tokens"
          ? "Your answer was cut off at max_tokens. Continue with smaller steps: one tool call at a time."
          : "Your answer was empty. Continue with a tool call, or answer with a summary of your change if you are done.";
      // After an assistant turn the next must be a user turn; after an empty one, fold the nudge into the last user turn.
      if (content.length > 0) messages.push({ role: "user", content: [{ type: "text", text: nudge }] });
      else appendToLastUser(messages, nudge);
      continue;
    }
    emptyAnswers = 0;
    messages.push({ role: "assistant", content });
    const results: ToolResultBlockParam[] = [];
    for (const use of uses) {
      let r;
      try {
        r = await executeToolCall(
          deps.workspace,
          use,
          out.turns,
          deps.screen,
          { storyId: input.storyId, filesInScope: input.plan.files_in_scope },
          {
            // A command may not outlive the run's wall time.
            commandTimeoutMs: Math.max(1_000, Math.min(input.limits.commandTimeoutMs, input.limits.maxWallMs - (now() - started))),
            maxResultChars: input.limits.maxToolResultChars,
            workspaceRoot: root,
          },
        );
      } catch (error) {
        // The screen's scorer call is metered too: one the budget cannot cover is not made, and the run stops on its budget.
        if (error instanceof BudgetExceeded) return finish("budget_exhausted", error.message, error);
        throw error;
      }
      out.toolCalls.push(r.log);
      out.sandboxMs += r.log.sandboxMs;
      results.push({ type: "tool_result", tool_use_id: use.id, content: r.content, ...(r.isError ? { is_error: true } : {}) });
    }
    messages.push({ role: "user", content: results });
  }
}

function appendToLastUser(messages: MessageParam[], text: string): void {
  const last = messages[messages.length - 1];
  if (!last || last.role !== "user") {
    messages.push({ role: "user", content: [{ type: "text", text }] });
    return;
  }
  const blocks = typeof last.content === "string" ? [{ type: "text" as const, text: last.content }] : [...last.content];
  messages[messages.length - 1] = { role: "user", content: [...blocks, { type: "text", text }] };
}
