import { posix } from "node:path";
import { isUnknown } from "../shell/simple-command.js";

/** Where a path points, relative to the agent's workspace. */
export type PathPlace =
  | { kind: "workspace"; relative: string }
  | { kind: "workspace-root" }
  | { kind: "scratch" }
  | { kind: "device"; path: string }
  | { kind: "outside"; path: string }
  | { kind: "unknown"; path: string };

/** Scratch areas an agent may freely use and clear. */
const scratch = ["/tmp", "/var/tmp", "/dev/shm"];
const harmlessDevices = new Set([
  "/dev/null",
  "/dev/stdout",
  "/dev/stderr",
  "/dev/stdin",
  "/dev/zero",
  "/dev/random",
  "/dev/urandom",
  "/dev/tty",
  "/dev/fd/1",
  "/dev/fd/2",
]);

/**
 * Classifies `target` as written in a command run from `cwd`. Globs are
 * judged by the directory they expand in (`/*` is outside, `build/*` is not).
 */
export function classifyPath(target: string, cwd: string | null, workspaceRoot: string): PathPlace {
  const root = posix.normalize(workspaceRoot).replace(/\/$/, "");
  let t = target.trim().replace(/^["']|["']$/g, "");
  t = t.replace(/^\$\{?HOME\}?(?=\/|$)/, "~").replace(/^\$\{?PWD\}?(?=\/|$)/, cwd ?? "$PWD");
  if (t === "") return { kind: "unknown", path: target };
  if (t === "~" || t.startsWith("~/") || /^~[a-z_]/.test(t)) return { kind: "outside", path: t };
  if (isUnknown(t)) {
    // A variable under a fixed absolute prefix is still judged by that prefix: `/etc/$X` is outside.
    const fixed = t.split(/\$|__WAVE_/)[0] ?? "";
    if (fixed.startsWith("/") && fixed.lastIndexOf("/") > 0)
      return classifyPath(fixed.slice(0, fixed.lastIndexOf("/")) + "/x", cwd, workspaceRoot);
    return { kind: "unknown", path: t };
  }
  // A glob is judged by the directory it expands in: `/*` is outside, `build/*` is not, `*` is the whole workspace.
  const wildcard = t.search(/[*?[]/);
  const fixedPart = wildcard === -1 ? t : t.slice(0, wildcard);
  const partial = wildcard !== -1 && fixedPart !== "" && !fixedPart.endsWith("/");
  const directory = wildcard === -1 ? t : partial ? posix.dirname(fixedPart) : fixedPart || ".";
  let absolute: string;
  if (directory.startsWith("/")) absolute = posix.normalize(directory);
  else if (cwd === null) return { kind: "unknown", path: t };
  else if (cwd === "~" || cwd.startsWith("~/")) return { kind: "outside", path: posix.join(cwd, t) };
  else absolute = posix.normalize(posix.join(cwd, directory));
  absolute = absolute.length > 1 ? absolute.replace(/\/$/, "") : absolute;
  if (absolute === root) return partial ? { kind: "workspace", relative: posix.basename(t) } : { kind: "workspace-root" };
  if (absolute.startsWith(`${root}/`)) {
    const relative = absolute.slice(root.length + 1);
    return { kind: "workspace", relative: partial ? `${relative}/${posix.basename(t)}` : relative };
  }
  if (scratch.some((s) => absolute === s || absolute.startsWith(`${s}/`))) return { kind: "scratch" };
  if (absolute.startsWith("/dev/")) return harmlessDevices.has(absolute) ? { kind: "scratch" } : { kind: "device", path: absolute };
  return { kind: "outside", path: absolute };
}

/** A repository-relative path for a path an editor tool or diff names, or null when it leaves the workspace. */
export function repoRelative(path: string, workspaceRoot: string): string | null {
  const place = classifyPath(path, workspaceRoot, workspaceRoot);
  if (place.kind === "workspace") return place.relative;
  return null;
}
