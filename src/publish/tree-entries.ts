import { WaveError } from "../errors.js";
import type { ChangedFile } from "../sandbox/runner.js";

/** One entry of `POST /git/trees`; `sha: null` deletes the path from `base_tree`. */
export interface TreeEntry {
  path: string;
  mode: "100644" | "100755" | "120000";
  type: "blob";
  sha: string | null;
}

/**
 * The tree entries for a change on top of the base tree. Deletions and a rename's
 * old path become `sha: null`; modes are the change's own (a symlink is 120000 and
 * its blob is the link target). `blobShas` maps each written path to its blob.
 */
export function treeEntries(files: ChangedFile[], blobShas: ReadonlyMap<string, string>): TreeEntry[] {
  const entries = new Map<string, TreeEntry>();
  for (const file of files) {
    if (file.status === "renamed" && file.previousPath && file.previousPath !== file.path && !entries.has(file.previousPath)) {
      entries.set(file.previousPath, { path: file.previousPath, mode: "100644", type: "blob", sha: null });
    }
    if (file.status === "deleted") {
      // A later write of the same path (a file replaced by a directory's file, say) wins over the deletion.
      if (!entries.has(file.path)) entries.set(file.path, { path: file.path, mode: "100644", type: "blob", sha: null });
      continue;
    }
    const sha = blobShas.get(file.path);
    if (!sha || !file.mode) {
      throw new WaveError(`The exported change has no ${sha ? "mode" : "blob"} for ${file.path}.`, {
        hint: "The sandbox's export is incomplete; re-run the build step.",
      });
    }
    entries.set(file.path, { path: file.path, mode: file.mode, type: "blob", sha });
  }
  return [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
