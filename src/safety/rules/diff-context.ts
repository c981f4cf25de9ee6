import type { DiffFile } from "../diff/parse-unified-diff.js";
import type { CommandRuleContext, Findings } from "./command-context.js";

/** What diff rules need besides the files. */
export interface DiffRuleContext extends CommandRuleContext {
  isInDomain: ((repoPath: string) => boolean) | null;
  isInPlan: ((repoPath: string) => boolean) | null;
  /** True for a single editor tool call rather than a whole change (no lockfile pairing, no deletions). */
  singleEdit: boolean;
}

export type DiffRule = (files: DiffFile[], context: DiffRuleContext, out: Findings) => void;

/** The first line a finding about this file can point at: its first added line, else its first line. */
export function firstLine(file: DiffFile): number {
  return file.lines.find((l) => l.kind === "add")?.newLine ?? file.lines[0]?.newLine ?? file.lines[0]?.oldLine ?? 1;
}

/** Added lines that are not the same text as a removed line in the change (moved code is not new). */
export function newlyAddedLines(files: DiffFile[], file: DiffFile): { text: string; line: number }[] {
  const removed = new Set(files.flatMap((f) => f.lines.filter((l) => l.kind === "del").map((l) => l.text.trim())));
  return file.lines.filter((l) => l.kind === "add" && !removed.has(l.text.trim())).map((l) => ({ text: l.text, line: l.newLine ?? 1 }));
}
