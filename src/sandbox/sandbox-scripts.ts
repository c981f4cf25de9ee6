import { IDLE_LOOP } from "./container-config.js";
import { WORKSPACE_DIR } from "./labels.js";

/*
 * The shell run inside the sandbox, kept here so each piece is readable in one place.
 * Every script takes its inputs as positional arguments, never by string interpolation.
 */

/** git without anything the repository (or a command in the sandbox) could configure to run code or reshape output. */
const GIT_ENV = "export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 GIT_OPTIONAL_LOCKS=0";
const GIT =
  "git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.autocrlf=false -c core.safecrlf=false " +
  "-c core.quotepath=false -c core.filemode=true -c core.symlinks=true -c commit.gpgsign=false -c gc.auto=0 " +
  "-c diff.noprefix=false -c diff.mnemonicprefix=false -c diff.external= -c color.ui=false";

/**
 * In-repository attributes override .gitattributes (info/attributes wins): no line-ending
 * conversion, no filters, binary detection by content. That keeps blobs byte-identical to the
 * files, so the patch applies to the original tree exactly.
 */
const ATTRIBUTES_EXACT = "* !text !eol !filter !ident !working-tree-encoding !diff !merge";
/** Same, but every file diffs as binary: used when a text diff would not be valid UTF-8. */
const ATTRIBUTES_ALL_BINARY = "* !text !eol !filter !ident !working-tree-encoding -diff !merge";

/** The line the container's first command prints when the workspace is ready. */
export const INIT_DONE = "wave-workspace-ready";

/**
 * The container's first command: unpacks the tarball on stdin into the workspace (stripping a
 * single top-level folder, as in GitHub's tarballs), commits it as the baseline, prints the
 * baseline commit id (then "helper" when the image has the wave-exec launcher), closes its
 * output and becomes the idle PID 1. Written for few processes: each fork and
 * exec is slow under gVisor, and this runs on every workspace creation.
 * $1: "-z" for gzip or "" for plain tar.
 */
export const INIT_WORKSPACE = `set -eu
${GIT_ENV}
cd ${WORKSPACE_DIR}
tar -x $1 -f - --no-same-owner --delay-directory-restore
set --
for f in * .[!.]* ..?*; do if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi; done
if [ $# -eq 1 ] && [ -d "$1" ] && [ ! -L "$1" ]; then
  top=$1; set --
  for f in "$top"/* "$top"/.[!.]* "$top"/..?*; do if [ -e "$f" ] || [ -L "$f" ]; then set -- "$@" "$f"; fi; done
  if [ $# -gt 0 ]; then mv -t . -- "$@"; fi
  rmdir -- "$top"
fi
# A .git from the tarball would fight the baseline; the baseline is what the change is measured against.
if [ -e .git ]; then rm -rf .git; fi
# The repository by hand rather than \`git init\`: one process instead of one plus template copies.
mkdir .git .git/objects .git/refs .git/refs/heads .git/info
echo 'ref: refs/heads/wave-baseline' >.git/HEAD
printf '%s\n' '[core]' '	repositoryformatversion = 0' '	filemode = true' '	bare = false' '	hooksPath = /dev/null' \
  '	autocrlf = false' '[user]' '	name = WAVE sandbox' '	email = sandbox@wave.invalid' '[commit]' '	gpgsign = false' \
  '[gc]' '	auto = 0' >.git/config
printf '%s\n' '${ATTRIBUTES_EXACT}' >.git/info/attributes
${GIT} add -A -f
${GIT} commit -q --no-verify --allow-empty -m "WAVE baseline"
read -r head <.git/refs/heads/wave-baseline
echo "$head"
if command -v wave-exec >/dev/null; then echo helper; fi
echo ${INIT_DONE}
unset GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_TERMINAL_PROMPT GIT_OPTIONAL_LOCKS OLDPWD
exec /bin/sh -c '${IDLE_LOOP}' </dev/null >/dev/null 2>&1
`;

/**
 * Stages the whole working tree into a private index (so whatever the command did to git's own
 * index or HEAD does not matter), then writes the patch, the raw listing and the numstat
 * against the baseline into a tar on stdout.
 * $1: baseline commit, $2: "text" or "binary".
 */
export const EXPORT_CHANGE = `set -eu
${GIT_ENV}
cd ${WORKSPACE_DIR}
out=$(mktemp -d /tmp/.wave-export.XXXXXX)
export GIT_INDEX_FILE="$out/index"
mkdir -p .git/info
printf '%s\\n' '${ATTRIBUTES_EXACT}' >.git/info/attributes
# Start from the baseline tree but keep the stat data of git's own index where it still matches,
# so only files that changed are read and hashed again (read-tree -m with one tree does that).
cp .git/index "$GIT_INDEX_FILE" 2>/dev/null || true
${GIT} read-tree -m "$1" 2>/dev/null || ${GIT} read-tree "$1"
${GIT} add -A
${GIT} diff --cached --raw -z -M --no-abbrev --no-ext-diff "$1" >"$out/raw"
${GIT} diff --cached --numstat -z -M --no-ext-diff --no-textconv "$1" >"$out/numstat"
if [ "$2" = binary ]; then printf '%s\\n' '${ATTRIBUTES_ALL_BINARY}' >.git/info/attributes; fi
${GIT} diff --cached --binary --full-index -M --no-color --no-ext-diff --no-textconv --src-prefix=a/ --dst-prefix=b/ "$1" >"$out/patch"
printf '%s\\n' '${ATTRIBUTES_EXACT}' >.git/info/attributes
tar -c -f - -C "$out" patch raw numstat
rm -rf "$out"
`;

/** Blob contents for the ids on stdin, in \`git cat-file --batch\` format. */
export const CAT_BLOBS = `set -eu
${GIT_ENV}
cd ${WORKSPACE_DIR}
exec ${GIT} cat-file --batch
`;

/**
 * Runs a command as the leader of its own session and process group, with a process limit a
 * little below the sandbox's (so the runner can still start a kill when the command forks
 * without end). The wrapper stays outside the group: it records the group id for a timeout
 * kill, waits, and then kills whatever the command left running, so nothing outlives its
 * command. $1: pid file, $2: directory, $3: process limit, then the argv.
 */
export const RUN_COMMAND = `p=$1; d=$2; n=$3; shift 3
[ -d "\${p%/*}" ] || mkdir -p "\${p%/*}"
cd -- "$d" || exit 2
exec 3<&0
setsid sh -c 'ulimit -p "$1" || exit 2; shift; exec "$@"' wave-command "$n" "$@" 0<&3 3<&- &
g=$!
exec 3<&-
echo "$g" >"$p"
wait "$g"
rc=$?
# Repeat: a process forking while the group is signalled can leave a child behind.
i=0; while [ $i -lt 200 ] && kill -KILL "-$g" 2>/dev/null; do i=$((i+1)); done
rm -f "$p"
exit $rc`;

/**
 * Kills a timed-out command: its process group and session, and with $2 = "all" every process
 * of the sandbox user (a command that started its own session escapes the first two).
 * $1: pid file, $2: "group" or "all".
 */
export const KILL_COMMAND = `p=$(cat "$1" 2>/dev/null || true)
if [ -n "$p" ]; then
  i=0; while [ $i -lt 200 ] && kill -KILL "-$p" 2>/dev/null; do i=$((i+1)); done
  pkill -KILL -s "$p" 2>/dev/null
fi
if [ "$2" = all ]; then for i in 1 2 3 4 5; do kill -KILL -1 2>/dev/null; done; fi
rm -f "$1"
exit 0`;

/**
 * Writes the one-file tar on stdin into the workspace, keeping an existing file's mode unless
 * a mode is given (an edit must not drop an executable bit).
 * $1: path relative to the workspace (the tar entry's name), $2: octal mode or "keep".
 */
export const WRITE_FILE = `set -eu
cd ${WORKSPACE_DIR}
if [ "$2" = keep ]; then m=$(stat -c %a -- "$1" 2>/dev/null || echo 644); else m=$2; fi
tar -x -f - --no-same-owner
chmod "$m" -- "$1"`;
