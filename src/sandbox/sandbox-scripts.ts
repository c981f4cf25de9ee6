import { IDLE_LOOP } from "./container-config.js";
import { BASELINE_GIT_DIR, INSTALLED_EXCLUDE, WORKSPACE_DIR } from "./labels.js";

/*
 * The shell run inside the sandbox, kept here so each piece is readable in one place.
 * Every script takes its inputs as positional arguments, never by string interpolation.
 */

/** git without anything the repository (or a command in the sandbox) could configure to run code or reshape output. */
export const GIT_ENV = "export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_TERMINAL_PROMPT=0 GIT_OPTIONAL_LOCKS=0";
export const GIT =
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

/** The exit code and stderr prefix a runner script uses when a path leads out of the workspace. */
export const OUTSIDE_EXIT = 3;
export const OUTSIDE_MARK = "wave-outside ";

/**
 * The export's own git directory, made afresh in $out for every export. The workspace's .git is
 * the agent's to rewrite (config, include.path, core.worktree, hooks, a .git file pointing
 * elsewhere, its objects and refs), so git never reads it at all: the baseline's objects come,
 * as an alternate, from the sealed copy in BASELINE_GIT_DIR that the sandbox user cannot write.
 * The configuration is this file and nothing else.
 */
const EXPORT_GIT_CONFIG = [
  "[core]",
  "\trepositoryformatversion = 0",
  "\tbare = false",
  "\tfilemode = true",
  "\tsymlinks = true",
  "\thooksPath = /dev/null",
  "\tfsmonitor = false",
  "\tuntrackedCache = false",
  "\tsplitIndex = false",
  "\tsparseCheckout = false",
  "\texcludesFile = /dev/null",
  "\tattributesFile = /dev/null",
  "\tautocrlf = false",
  "\tsafecrlf = false",
  "[index]",
  "\tsparse = false",
  "[gc]",
  "\tauto = 0",
]
  .map((line) => `'${line}'`)
  .join(" ");

/**
 * Run as root (no capabilities) right after the init, before any command: copies the baseline
 * commit's objects out of the workspace's .git into the root-owned BASELINE_DIR tmpfs, where the
 * sandbox user can read but never write them, and checks the commit is there.
 * $1: baseline commit.
 */
export const SEAL_BASELINE = `set -eu
${GIT_ENV}
umask 022
mkdir ${BASELINE_GIT_DIR}
cp -R ${WORKSPACE_DIR}/.git/objects ${BASELINE_GIT_DIR}/objects
mkdir ${BASELINE_GIT_DIR}/refs
printf '%s\\n' "$1" >${BASELINE_GIT_DIR}/HEAD
printf '%s\\n' ${EXPORT_GIT_CONFIG} >${BASELINE_GIT_DIR}/config
GIT_DIR=${BASELINE_GIT_DIR} ${GIT} cat-file -e "$1^{commit}"
echo sealed
`;

/**
 * Stages the whole working tree into a fresh index of a fresh git directory (so nothing a
 * command did to the workspace's .git matters: its index, HEAD, config, hooks, attributes),
 * then writes the patch, the raw listing, the numstat against the baseline and the changed
 * files' blobs into a tar on stdout. Symlinks are recorded as links (120000), never followed;
 * a symlinked directory is one entry, not its target's files. Every file is hashed again: stat
 * data kept from an earlier index could be forged to hide a change.
 * $1: baseline commit, $2: "text" or "binary".
 */
export const EXPORT_CHANGE = `set -eu
${GIT_ENV}
cd ${WORKSPACE_DIR}
out=$(mktemp -d /tmp/.wave-export.XXXXXX)
g=$out/git
mkdir "$g" "$g/objects" "$g/objects/info" "$g/refs" "$g/info"
printf '%s\\n' "$1" >"$g/HEAD"
printf '%s\\n' ${BASELINE_GIT_DIR}/objects >"$g/objects/info/alternates"
printf '%s\\n' ${EXPORT_GIT_CONFIG} >"$g/config"
printf '%s\\n' '${ATTRIBUTES_EXACT}' >"$g/info/attributes"
# Only what the setup phase restored is excluded (beside the repository's own .gitignore files).
if [ -f ${INSTALLED_EXCLUDE} ]; then cat ${INSTALLED_EXCLUDE} >"$g/info/exclude"; else : >"$g/info/exclude"; fi
export GIT_DIR="$g" GIT_WORK_TREE=${WORKSPACE_DIR} GIT_INDEX_FILE="$out/index" HOME="$out" XDG_CONFIG_HOME="$out"
${GIT} read-tree "$1"
${GIT} add -A
${GIT} diff --cached --raw -z -M --no-abbrev --no-ext-diff "$1" >"$out/raw"
${GIT} diff --cached --numstat -z -M --no-ext-diff --no-textconv "$1" >"$out/numstat"
if [ "$2" = binary ]; then printf '%s\\n' '${ATTRIBUTES_ALL_BINARY}' >"$g/info/attributes"; fi
${GIT} diff --cached --binary --full-index -M --no-color --no-ext-diff --no-textconv --src-prefix=a/ --dst-prefix=b/ "$1" >"$out/patch"
# The new side's blobs (field 4 of each raw line; all zeros for a deletion).
${GIT} diff --cached --raw -M --no-abbrev --no-ext-diff "$1" | cut -d' ' -f4 | { grep -v '^0*$' || true; } | sort -u | ${GIT} cat-file --batch >"$out/blobs"
tar -c -f - -C "$out" patch raw numstat blobs
rm -rf "$out"
`;

/**
 * Sets r to $1 (relative to the workspace) with every symbolic link resolved, or refuses (exit
 * OUTSIDE_EXIT, the resolved path on stderr) when that leaves the workspace: a link anywhere in
 * the path counts, not only the last one. A link inside the workspace pointing inside it is fine.
 * $2: "-e" (the file must exist) or "-m" (missing components allowed, for a write).
 */
const RESOLVE_INSIDE = `r=$(realpath $2 -- "${WORKSPACE_DIR}/$1") || exit 1
case "$r" in
  ${WORKSPACE_DIR}/*) ;;
  *) printf '${OUTSIDE_MARK}%s\\n' "$r" >&2; exit ${OUTSIDE_EXIT} ;;
esac`;

/** Prints the workspace file $1, whose every path component must resolve inside the workspace. */
export const READ_FILE = `set -eu
set -- "$1" -e
${RESOLVE_INSIDE}
exec cat -- "$r"`;

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
 * Writes stdin to the workspace file $1 after resolving every component inside the workspace
 * (missing directories are created), keeping an existing file's mode unless a mode is given (an
 * edit must not drop an executable bit). The bytes go to a new file that is renamed over the
 * target, so a read-only file is replaced as an editor would, and no link is followed at the
 * moment of writing. $1: path relative to the workspace, $2: octal mode or "keep".
 */
export const WRITE_FILE = `set -eu
m=$2
set -- "$1" -m
${RESOLVE_INSIDE}
d=\${r%/*}
[ -d "$d" ] || mkdir -p -- "$d"
if [ "$m" = keep ]; then m=$(stat -c %a -- "$r" 2>/dev/null || echo 644); fi
t="$d/.wave-write.$$"
# A failed write (a full disk) must not leave its partial file in the workspace, to be exported.
trap 'rm -f -- "$t"' EXIT
cat >"$t"
chmod "$m" -- "$t"
mv -f -T -- "$t" "$r"`;
