import type { ToolBash20250124, ToolTextEditor20250728 } from "@anthropic-ai/sdk/resources/messages/messages.js";

/**
 * Anthropic's built-in client tools, in the versions the installed SDK
 * (1.11) and the Claude 4.x/5.x models accept. The model knows their input
 * schemas; the app executes them in the sandbox.
 */
export const BASH_TOOL: ToolBash20250124 = { type: "bash_20250124", name: "bash" };

/** The text editor (view, create, str_replace, insert; no undo_edit in this version). */
export const EDITOR_TOOL: ToolTextEditor20250728 = { type: "text_editor_20250728", name: "str_replace_based_edit_tool" };

export const BASH_TOOL_NAME = BASH_TOOL.name;
export const EDITOR_TOOL_NAME = EDITOR_TOOL.name;
