import type { ToolCall } from "../../agents/screening.js";
import type { DiffFile, DiffLine } from "../diff/parse-unified-diff.js";

type EditCall = Extract<ToolCall, { tool: "str_replace_based_edit_tool" }>;

/** An editor tool call as the one-file change it would make, so diff rules judge it the same way. */
export function editAsDiff(call: EditCall, repoPath: string): DiffFile {
  const lines: DiffLine[] = [];
  const add = (text: string | undefined, from = 1): void => {
    (text ?? "").split("\n").forEach((t, i) => lines.push({ kind: "add", text: t, oldLine: null, newLine: from + i }));
  };
  if (call.command === "create") add(call.content);
  if (call.command === "insert") add(call.newStr ?? call.content);
  if (call.command === "str_replace") {
    (call.oldStr ?? "").split("\n").forEach((t, i) => lines.push({ kind: "del", text: t, oldLine: i + 1, newLine: null }));
    add(call.newStr);
  }
  return {
    path: repoPath,
    oldPath: call.command === "create" ? null : repoPath,
    newPath: repoPath,
    status: call.command === "create" ? "added" : "modified",
    oldMode: null,
    newMode: null,
    binary: false,
    lines,
  };
}
