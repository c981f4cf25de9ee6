import type { KeptChangeMerge, MergeConflict } from "./merge-kept-change.js";

/** One line per conflict for the developer's feedback. */
export function describeConflict(conflict: MergeConflict): string {
  switch (conflict.kind) {
    case "markers":
      return `${conflict.path}: both sides changed the same lines; the file holds the conflict markers`;
    case "binary":
      return `${conflict.path}: a binary file both sides changed; the workspace has the base branch's version`;
    case "deleted-by-change":
      return `${conflict.path}: the change deletes it and the base branch changed it; the workspace has the base branch's version`;
    case "changed-on-base":
      return `${conflict.path}: the base branch deleted or moved it; the workspace has the change's version`;
  }
}

/** What the developer is told when merging the change onto the moved base left conflicts. */
export function conflictFeedback(merge: KeptChangeMerge & { toSha: string }): string {
  const paths = merge.conflicts.map((c) => c.path).join(", ");
  return [
    `The base branch moved to ${merge.toSha.slice(0, 7)}; merging the change onto it conflicted in ${paths}: resolve the conflict markers, keep both sides' intent.`,
    ...merge.conflicts.map((c) => `- ${describeConflict(c)}`),
  ].join("\n");
}

/** The conflicted text files whose exported content still holds git's markers. */
export function unresolvedConflicts(
  merge: KeptChangeMerge,
  files: readonly { path: string; content?: Buffer; binary: boolean }[],
): string[] {
  const marked = new Set(merge.conflicts.filter((c) => c.kind === "markers").map((c) => c.path));
  return files
    .filter((f) => marked.has(f.path) && !f.binary && f.content && /^<{7} [^]*^={7}$[^]*^>{7} /m.test(f.content.toString("utf8")))
    .map((f) => f.path);
}
