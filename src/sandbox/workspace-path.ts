import { posix } from "node:path";
import { WaveError } from "../errors.js";

/**
 * A path inside the workspace, relative and normalised ("a/b.txt"). Paths that leave the
 * workspace are refused: the file helpers are for the repository, commands see the rest.
 */
export function workspaceRelativePath(path: string): string {
  if (path.includes("\0")) throw new WaveError(`The path ${JSON.stringify(path)} contains a NUL byte.`);
  const normal = posix.normalize(path.replace(/^\/workspace(\/|$)/, ""));
  if (normal === "" || normal === "." || normal.startsWith("/") || normal === ".." || normal.startsWith("../")) {
    throw new WaveError(`The path ${JSON.stringify(path)} is not inside the workspace.`, {
      hint: "Give a path relative to the repository root, like src/index.ts.",
    });
  }
  return normal.replace(/\/$/, "");
}
