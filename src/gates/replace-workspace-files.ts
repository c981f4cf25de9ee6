import { WaveError } from "../errors.js";
import { WORKSPACE_DIR } from "../sandbox/labels.js";
import type { Workspace } from "../sandbox/runner.js";

/**
 * Removes every file of the workspace but its `.git` (the baseline the change is measured
 * against stays) and unpacks the tarball on stdin in their place, stripping GitHub's single
 * top-level folder. $1: "-z" for gzip or "" for plain tar.
 */
const REPLACE = `set -eu
cd ${WORKSPACE_DIR}
for f in * .[!.]* ..?*; do
  if [ "$f" = .git ]; then continue; fi
  if [ -e "$f" ] || [ -L "$f" ]; then rm -rf -- "$f"; fi
done
tar -x $1 -f - --no-same-owner --strip-components=1
`;

/**
 * Makes the workspace hold exactly the files of `tarball` (GitHub's tarball of a commit, e.g. the
 * PR head a person pushed) over the base baseline, through the `Workspace` port only: the change
 * exported afterwards is that commit's tree against the base.
 */
export async function replaceWorkspaceFiles(ws: Workspace, tarball: Buffer): Promise<void> {
  const gzip = tarball[0] === 0x1f && tarball[1] === 0x8b ? "-z" : "";
  const done = await ws.exec(["/bin/sh", "-c", REPLACE, "wave-replace", gzip], { stdin: tarball, timeoutMs: 300_000 });
  if (done.exitCode !== 0)
    throw new WaveError(`The pull request's head could not be unpacked into the sandbox: ${done.stderr.trim().slice(0, 500)}`);
}
