import { INSTALLED_EXCLUDE, RUNNER_DIR } from "../labels.js";

/**
 * Packs the installed dependencies (the absolute paths given as arguments, those that exist) into
 * a plain tar on stdout, relative to /. Plain rather than gzip: under gVisor the CPU is the cost,
 * and the cache is on the host's disk.
 */
export const PACK_INSTALLED = `set -eu
cd /
set -f
list=
for p do if [ -e "$p" ] || [ -L "$p" ]; then list="$list \${p#/}"; fi; done
if [ -z "$list" ]; then exec tar -c -f - -T /dev/null; fi
exec tar -c -f - $list`;

/**
 * Unpacks a dependency archive from stdin into the sandbox and keeps what it restored in the
 * workspace out of the exported change, whatever the repository's .gitignore says: the paths go
 * to the runner's own exclude list, which the export (its own git directory, which never reads
 * the workspace's .git) copies in. Arguments: the workspace-relative paths to exclude.
 */
export const RESTORE_INSTALLED = `set -eu
tar -x -f - -C / --no-same-owner --no-overwrite-dir
mkdir -p ${RUNNER_DIR}
for p do printf '/%s\\n' "$p" >>${INSTALLED_EXCLUDE}; done`;
