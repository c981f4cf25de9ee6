import { pack } from "tar-stream";
import { WaveError } from "../errors.js";
import { GIT, GIT_ENV } from "../sandbox/sandbox-scripts.js";
import type { ChangedFile, Workspace } from "../sandbox/runner.js";
import { WORKSPACE_DIR } from "../sandbox/labels.js";

/** One path the kept change could not be merged onto the newer base at without a person (or the developer). */
export interface MergeConflict {
  path: string;
  /**
   * `markers`: both sides changed the same lines; the file holds git's conflict markers.
   * `binary`: both sides changed a binary file; the workspace has the base's version.
   * `deleted-by-change`: the change deletes the file, the base changed it; the workspace has the base's version.
   * `changed-on-base`: the change could not be laid over what the base did to the file (deleted or renamed it
   * there); the workspace has the change's version.
   */
  kind: "markers" | "binary" | "deleted-by-change" | "changed-on-base";
}

export interface KeptChangeMerge {
  /** Empty when the change merged cleanly. */
  conflicts: MergeConflict[];
}

/** The stored change as the merge needs it: its patch against the old base and its post-image files. */
export interface ChangeToMerge {
  patch: string;
  files: readonly ChangedFile[];
}

/** Where the old base's files are rebuilt, outside the workspace so no export ever sees them. */
const SCRATCH = "/tmp/.wave-merge";
const TIMEOUT_MS = 120_000;
/** Each round excludes the paths git refused outright; a change has at most 100 files. */
const MAX_ROUNDS = 5;

/**
 * Rebuilds the pre-images (the old base's files) from the post-images and the patch, and writes
 * them as blobs into the workspace's repository, so `git apply --3way` finds what it needs for a
 * three-way merge. $1: the scratch directory; stdin: a tar of `patch` and `post/<path>`.
 */
const PREPARE = `set -eu
${GIT_ENV} GIT_CEILING_DIRECTORIES=/tmp
s=$1
rm -rf "$s"
mkdir -p "$s/post"
tar -x -f - -C "$s" --no-same-owner
cp -a "$s/post" "$s/kept"
cd "$s/post"
${GIT} apply -R --binary --whitespace=nowarn "$s/patch"
cd ${WORKSPACE_DIR}
find "$s/post" -type f | ${GIT} hash-object -w --no-filters --stdin-paths >/dev/null
find "$s/post" -type l | while IFS= read -r l; do readlink -n "$l" | ${GIT} hash-object -w --stdin >/dev/null; done
`;

/** The three-way apply; $1: the scratch directory, then `--exclude=` options. Prints the unmerged paths after "--unmerged--". */
const APPLY = `set -u
${GIT_ENV}
s=$1; shift
cd ${WORKSPACE_DIR}
${GIT} apply --3way --binary --whitespace=nowarn "$@" "$s/patch"
rc=$?
echo "--unmerged--"
${GIT} diff --name-only --diff-filter=U -z
exit $rc
`;

/**
 * Puts the change's own version of the paths given ($2…) into the workspace when the base has no
 * file there, resets the index to the baseline (the workspace then looks as after a plain apply:
 * the change uncommitted on the base) and removes the scratch directory. $1: the scratch directory.
 */
const FINISH = `set -eu
${GIT_ENV}
s=$1; shift
cd ${WORKSPACE_DIR}
for p in "$@"; do
  if [ ! -e "$p" ] && [ ! -L "$p" ] && { [ -e "$s/kept/$p" ] || [ -L "$s/kept/$p" ]; }; then
    mkdir -p -- "$(dirname -- "$p")"
    cp -a -- "$s/kept/$p" "$p"
  fi
done
${GIT} reset -q
rm -rf "$s"
`;

/** A path as a literal `--exclude` pattern (git matches it with fnmatch). */
function literalPattern(path: string): string {
  return path.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

async function postImageTar(change: ChangeToMerge): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    tar.on("end", resolve);
    tar.on("error", reject);
  });
  tar.entry({ name: "patch", mode: 0o644 }, change.patch);
  for (const file of change.files) {
    if (file.status === "deleted" || !file.content) continue;
    const name = `post/${file.path}`;
    if (file.mode === "120000") tar.entry({ name, type: "symlink", linkname: file.content.toString("utf8") });
    else tar.entry({ name, mode: file.mode === "100755" ? 0o755 : 0o644 }, file.content);
  }
  tar.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/**
 * Merges the kept change (a `git diff --binary` against an older base, with its post-image files)
 * into a workspace that holds a newer base: a three-way merge per file, as `git apply --3way` does
 * it, with the old base's files rebuilt in the sandbox from the change itself (reverse-applying the
 * patch to its post-images), so nothing but the `Workspace` port is needed and any backend runs it.
 * Conflicts are left in the files (git's markers) and listed; a path git cannot merge at all (the
 * change deletes a file the base changed, or changes one the base removed) is listed too, with the
 * side kept in the workspace named by its kind.
 */
export async function mergeKeptChange(ws: Workspace, change: ChangeToMerge): Promise<KeptChangeMerge> {
  const prepared = await ws.exec(["/bin/sh", "-c", PREPARE, "wave-merge", SCRATCH], {
    stdin: await postImageTar(change),
    timeoutMs: TIMEOUT_MS,
  });
  if (prepared.exitCode !== 0)
    throw new WaveError(`The kept change's old files could not be rebuilt in the sandbox: ${prepared.stderr.trim().slice(0, 500)}`, {
      hint: "The stored change is inconsistent with its own files. `/wave recycle <feedback>` builds the change again on the current base.",
    });
  const byPath = new Map<string, ChangedFile>();
  for (const file of change.files) {
    byPath.set(file.path, file);
    if (file.previousPath) byPath.set(file.previousPath, file);
  }
  const excluded = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const options = [...excluded].map((path) => `--exclude=${literalPattern(path)}`);
    const applied = await ws.exec(["/bin/sh", "-c", APPLY, "wave-merge", SCRATCH, ...options], { timeoutMs: TIMEOUT_MS });
    const unmerged = (applied.stdout.split("--unmerged--\n")[1] ?? "").split("\0").filter(Boolean);
    if (applied.exitCode === 0 || unmerged.length > 0) {
      const conflicts: MergeConflict[] = unmerged.map((path) => ({ path, kind: byPath.get(path)?.binary ? "binary" : "markers" }));
      for (const path of excluded) {
        const file = byPath.get(path);
        conflicts.push({ path, kind: file?.status === "deleted" ? "deleted-by-change" : "changed-on-base" });
      }
      await finish(ws, [...excluded]);
      return { conflicts: dedupe(conflicts) };
    }
    // git applies all or nothing: the paths it refused outright are merged by hand, the rest again.
    const refused = refusedPaths(applied.stderr, byPath);
    const fresh = refused.filter((path) => !excluded.has(path));
    if (fresh.length === 0) {
      await finish(ws, []).catch(() => undefined);
      throw new WaveError(`The kept change could not be merged onto the new base: ${applied.stderr.trim().slice(0, 500)}`, {
        hint: "`/wave recycle <feedback>` builds the change again on the current base.",
      });
    }
    for (const path of fresh) excluded.add(path);
  }
  throw new WaveError("The kept change could not be merged onto the new base: git kept refusing more of its files.", {
    hint: "`/wave recycle <feedback>` builds the change again on the current base.",
  });
}

/** Touched paths named by one of git apply's per-file errors ("error: a.ts: patch does not apply"). */
function refusedPaths(stderr: string, byPath: ReadonlyMap<string, ChangedFile>): string[] {
  const out = new Set<string>();
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("error: ") || line.startsWith("error: patch failed: ")) continue;
    for (const [path, file] of byPath) if (line.startsWith(`error: ${path}: `)) out.add(file.path);
  }
  return [...out];
}

async function finish(ws: Workspace, keepChanges: string[]): Promise<void> {
  const done = await ws.exec(["/bin/sh", "-c", FINISH, "wave-merge", SCRATCH, ...keepChanges], { timeoutMs: TIMEOUT_MS });
  if (done.exitCode !== 0) throw new WaveError(`The merged workspace could not be tidied: ${done.stderr.trim().slice(0, 500)}`);
}

function dedupe(conflicts: MergeConflict[]): MergeConflict[] {
  const seen = new Map<string, MergeConflict>();
  for (const c of conflicts) if (!seen.has(c.path)) seen.set(c.path, c);
  return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
}
