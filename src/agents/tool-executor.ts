import { PathOutsideWorkspace, userMessage } from "../errors.js";
import type { ExecResult, Workspace } from "../sandbox/runner.js";
import type { ScreenVerdict, ScreeningContext, ToolCall, ToolCallScreen } from "./screening.js";
import { insertAt, numberedView, strReplace } from "./text-edits.js";
import type { EditResult } from "./text-edits.js";
import { bashInput, editorInput, issuesText } from "./tool-input.js";
import type { EditorInput } from "./tool-input.js";
import { BASH_TOOL_NAME, EDITOR_TOOL_NAME } from "./tools.js";
import { truncateMiddle } from "./truncate.js";

export interface ToolLimits {
  commandTimeoutMs: number;
  maxResultChars: number;
  /** The absolute path the model is told the repository lives at; stripped from absolute paths. */
  workspaceRoot: string;
}

/** One tool call as the audit and the safety gate see it. */
export interface ToolCallLogEntry {
  turn: number;
  toolUseId: string;
  tool: string;
  input: unknown;
  /** "invalid": unknown tool or input that failed validation; it never reached the screen. */
  decision: ScreenVerdict["decision"] | "invalid";
  reasons: string[];
  ruleIds: string[];
  isError: boolean;
  exitCode?: number;
  timedOut?: boolean;
  truncated: boolean;
  /** Time inside the sandbox (commands and file operations). */
  sandboxMs: number;
}

export interface ToolOutcome {
  content: string;
  isError: boolean;
  log: ToolCallLogEntry;
}

/**
 * Validates, screens and runs one tool call in the workspace. Never throws for
 * the model's mistakes: unknown tools, bad input, refusals and failed edits
 * come back as an error result the model can act on. Sandbox failures
 * (SandboxUnavailable, …) do propagate.
 */
export async function executeToolCall(
  ws: Workspace,
  use: { id: string; name: string; input: unknown },
  turn: number,
  screen: ToolCallScreen,
  context: ScreeningContext,
  limits: ToolLimits,
): Promise<ToolOutcome> {
  const log: ToolCallLogEntry = {
    turn,
    toolUseId: use.id,
    tool: use.name,
    input: use.input,
    decision: "invalid",
    reasons: [],
    ruleIds: [],
    isError: true,
    truncated: false,
    sandboxMs: 0,
  };
  const fail = (content: string): ToolOutcome => ({ content, isError: true, log });
  let call: ToolCall;
  let edit: { input: EditorInput; path: string } | undefined;
  if (use.name === BASH_TOOL_NAME) {
    const parsed = bashInput.safeParse(use.input);
    if (!parsed.success) return fail(`Invalid input for bash: ${issuesText(parsed.error)}. Send {"command": "<shell command>"}.`);
    if (!("command" in parsed.data)) {
      log.decision = "allow";
      log.isError = false;
      return { content: "Each command already runs in a fresh shell at the repository root; nothing to restart.", isError: false, log };
    }
    call = { tool: "bash", command: parsed.data.command };
  } else if (use.name === EDITOR_TOOL_NAME) {
    const parsed = editorInput.safeParse(use.input);
    if (!parsed.success)
      return fail(
        `Invalid input for ${EDITOR_TOOL_NAME}: ${issuesText(parsed.error)}. Commands: view, create, str_replace, insert (undo_edit is not available).`,
      );
    const path = relativePath(parsed.data.path, limits.workspaceRoot);
    if (typeof path !== "string") return fail(path.error);
    edit = { input: parsed.data, path };
    call = editorCall(parsed.data, path);
  } else {
    return fail(`Unknown tool "${use.name}". The tools are ${BASH_TOOL_NAME} and ${EDITOR_TOOL_NAME}.`);
  }

  const verdict = await screen.screen(call, context);
  log.decision = verdict.decision;
  log.reasons = verdict.reasons;
  log.ruleIds = verdict.ruleIds;
  // Block: not executed, and the agent is told why. Escalate: executed and flagged in the log,
  // where the safety gate and the people reviewing the story see it.
  if (verdict.decision === "block")
    return fail(
      `Refused by WAVE's safety screen (blocked): ${verdict.reasons.join("; ") || "no reason given"}. Do not retry the same call; find another way or finish.`,
    );

  const started = performance.now();
  try {
    const result = edit
      ? await runEdit(ws, edit.input, edit.path, limits)
      : await runBash(ws, call.tool === "bash" ? call.command : "", limits, log);
    const cut = truncateMiddle(result.ok ? result.text : result.error, limits.maxResultChars);
    log.truncated = cut.truncated;
    log.isError = !result.ok;
    return { content: cut.text === "" ? "(no output)" : cut.text, isError: !result.ok, log };
  } finally {
    log.sandboxMs = performance.now() - started;
  }
}

async function runBash(ws: Workspace, command: string, limits: ToolLimits, log: ToolCallLogEntry): Promise<EditResult> {
  const r: ExecResult = await ws.exec(["bash", "-lc", command], {
    timeoutMs: limits.commandTimeoutMs,
    outputLimitBytes: limits.maxResultChars * 4,
  });
  log.exitCode = r.exitCode;
  log.timedOut = r.timedOut;
  const parts = [r.stdout, r.stderr ? `[stderr]\n${r.stderr}` : ""].filter((p) => p !== "");
  if (r.timedOut) parts.push(`[killed after ${Math.round(limits.commandTimeoutMs / 1000)} s: the command timed out]`);
  else if (r.oomKilled) parts.push("[killed: out of memory]");
  else if (r.killed === "process limit")
    parts.push("[killed: process limit: the command kept the sandbox at its process and thread limit (a fork bomb?)]");
  else if (r.exitCode !== 0) parts.push(`[exit code ${r.exitCode}]`);
  const text = parts.join("\n");
  return r.exitCode === 0 && !r.timedOut ? { ok: true, text, message: "" } : { ok: false, error: text };
}

/** The screening port's view of an editor call. */
function editorCall(i: EditorInput, path: string): ToolCall {
  switch (i.command) {
    case "create":
      return { tool: EDITOR_TOOL_NAME, command: "create", path, content: i.file_text };
    case "str_replace":
      return { tool: EDITOR_TOOL_NAME, command: "str_replace", path, oldStr: i.old_str, newStr: i.new_str ?? "" };
    case "insert":
      return { tool: EDITOR_TOOL_NAME, command: "insert", path, newStr: i.insert_text ?? i.new_str ?? "" };
    case "view":
      return { tool: EDITOR_TOOL_NAME, command: "view", path };
  }
}

async function runEdit(ws: Workspace, i: EditorInput, path: string, limits: ToolLimits): Promise<EditResult> {
  if (i.command === "create") {
    const refused = await outsideRefusal(() => ws.writeFile(path, i.file_text));
    if (refused) return refused;
    return { ok: true, text: `File created successfully at ${path}.`, message: "" };
  }
  if (i.command === "view") {
    const isDir = await ws.exec(["bash", "-lc", `test -d "$1"`, "view", path], { timeoutMs: limits.commandTimeoutMs });
    if (isDir.exitCode === 0) {
      const listing = await ws.exec(["bash", "-lc", `find "$1" -maxdepth 2 -not -path '*/.*' | LC_ALL=C sort`, "view", path], {
        timeoutMs: limits.commandTimeoutMs,
      });
      return { ok: true, text: listing.stdout, message: "" };
    }
  }
  let text: string;
  try {
    text = (await ws.readFile(path)).toString("utf8");
  } catch (error) {
    if (error instanceof PathOutsideWorkspace) return { ok: false, error: userMessage(error) };
    return { ok: false, error: `The path ${path} does not exist (paths are relative to the repository root).` };
  }
  if (i.command === "view") {
    const v = numberedView(text, i.view_range);
    return v.ok ? { ok: true, text: v.text, message: "" } : v;
  }
  const edit =
    i.command === "str_replace"
      ? strReplace(text, i.old_str, i.new_str ?? "", path)
      : insertAt(text, i.insert_line, i.insert_text ?? i.new_str ?? "", path);
  if (!edit.ok) return edit;
  const refused = await outsideRefusal(() => ws.writeFile(path, edit.text));
  if (refused) return refused;
  return { ok: true, text: edit.message, message: edit.message };
}

/** A write the sandbox refused because its path leads out of the workspace, as the agent's error; other failures still throw. */
async function outsideRefusal(write: () => Promise<void>): Promise<EditResult | undefined> {
  try {
    await write();
    return undefined;
  } catch (error) {
    if (error instanceof PathOutsideWorkspace) return { ok: false, error: userMessage(error) };
    throw error;
  }
}

/** A repository-relative path, or why the model's path is not acceptable. */
export function relativePath(path: string, root: string): string | { error: string } {
  let p = path.trim();
  const rootSlash = root.endsWith("/") ? root : `${root}/`;
  if (p === root || p === rootSlash) p = ".";
  else if (p.startsWith(rootSlash)) p = p.slice(rootSlash.length);
  else if (p.startsWith("/")) return { error: `The path ${path} is outside the repository; use a path under ${root} or relative to it.` };
  p = p.replace(/^(\.\/)+/, "");
  if (p === "") p = ".";
  if (p.split("/").includes("..")) return { error: `The path ${path} leaves the repository; ".." is not allowed.` };
  return p;
}
