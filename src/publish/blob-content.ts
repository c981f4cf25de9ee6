import { isUtf8 } from "node:buffer";
import type { ChangedFile } from "../sandbox/runner.js";

/**
 * A file's content as the Git Data API takes it: UTF-8 text as is, everything else
 * (binary, or text in another encoding that UTF-8 would mangle) as base64, so the
 * blob's bytes are exactly the workspace's.
 */
export function blobContent(content: Buffer, binary: boolean): { content: string; encoding: "utf-8" | "base64" } {
  if (!binary && isUtf8(content)) return { content: content.toString("utf8"), encoding: "utf-8" };
  return { content: content.toString("base64"), encoding: "base64" };
}

/** Every path the change touches, a rename's old path included; used for conflict checks. */
export function touchedPaths(files: ChangedFile[]): string[] {
  const paths = new Set<string>();
  for (const file of files) {
    paths.add(file.path);
    if (file.previousPath) paths.add(file.previousPath);
  }
  return [...paths].sort();
}
