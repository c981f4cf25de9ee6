import type { ContainerCreateOptions } from "dockerode";
import { BASELINE_DIR, HOME_DIR, LABELS, WORKSPACE_DIR } from "./labels.js";
import type { SandboxLimits, SandboxPolicy } from "./policy.js";

export interface ContainerIdentity {
  instance: string;
  /** The deployment (database) whose jobs this container serves. */
  deployment?: string;
  storyId: string;
  jobId: string;
  /** Epoch ms after which the container is killed. */
  deadlineAt: number;
}

const MiB = 1024 * 1024;

/**
 * What PID 1 ends up running: a shell that reaps orphans (it waits on its own sleep, and
 * waitpid(-1) collects the rest), so zombies of killed commands do not eat into the pids limit.
 * On KILL_ALL_SIGNAL it kills every other process of the sandbox with builtins only: a command
 * holding the sandbox at its process limit makes every new exec fail ("try again"), and this
 * process already exists, so it needs no fork to do it. The loop is bounded because killed
 * orphans stay visible (as zombies) until this same shell reaps them.
 */
export const IDLE_LOOP =
  "k() { i=0; while [ $i -lt 50 ] && kill -KILL -1 2>/dev/null; do i=$((i+1)); done; }; trap k USR1; while :; do sleep 3600 & wait $!; done";
/** The signal, sent to PID 1 by Docker, that kills every process of the sandbox but PID 1 (see IDLE_LOOP). */
export const KILL_ALL_SIGNAL = "SIGUSR1";
const IDLE = ["/bin/sh", "-c", IDLE_LOOP];

/** Processes kept free for the runner's own commands (kill, export) when a command forks without end. */
export const RUNNER_RESERVED_PROCESSES = 16;

/**
 * The host-side pids cgroup limit for a sandbox whose processes are capped at `pidsLimit`.
 * gVisor's ptrace platform gives each sandboxed process one host thread per sentry thread that
 * ever ran it: 12 host tasks per idle process, 35 to 67 per process measured during a fork bomb.
 * When the cgroup is full the sentry cannot start a thread and panics, killing the whole sandbox
 * (exit code 2), so this must stay above what the capped processes can reach before the runner's
 * process watch kills them, on a loaded host too (64 per process + 1024 once fell short there).
 */
export function hostPidsLimit(pidsLimit: number): number {
  return pidsLimit * 80 + 2048;
}

/**
 * The Docker create options for one sandbox: every hardening setting of the policy in one
 * place, so a reader (and the test) sees exactly what a container gets.
 * No binds, no volumes, no Docker socket, no environment beyond PATH, HOME and LANG.
 */
export function containerCreateOptions(
  policy: SandboxPolicy,
  limits: SandboxLimits,
  who: ContainerIdentity,
  /** The container's first command (it unpacks the workspace from stdin, then idles as PID 1). */
  init: string[] = IDLE,
): ContainerCreateOptions {
  const [uid, gid] = policy.user.split(":");
  // `exec` because Docker's tmpfs default is noexec, and building and testing code means running
  // what was just built (./configure, node_modules/.bin, compiled tests).
  const tmpfs = (sizeMb: number, mode: string, owned: boolean) =>
    `rw,exec,nosuid,nodev,size=${sizeMb}m,mode=${mode}${owned ? `,uid=${uid},gid=${gid}` : ""}`;
  const fsizeBytes = (policy.fsizeMb > 0 ? policy.fsizeMb : 2 * limits.workspace_mb) * MiB;
  const memoryBytes = limits.memory_mb * MiB;
  return {
    Image: policy.image,
    Cmd: init,
    User: policy.user,
    WorkingDir: WORKSPACE_DIR,
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", `HOME=${HOME_DIR}`, "LANG=C.UTF-8"],
    Labels: {
      [LABELS.instance]: who.instance,
      ...(who.deployment ? { [LABELS.deployment]: who.deployment } : {}),
      [LABELS.story]: who.storyId,
      [LABELS.job]: who.jobId,
      [LABELS.deadline]: String(who.deadlineAt),
    },
    NetworkDisabled: policy.network === "none",
    // The workspace tarball arrives on the first command's stdin, through an attach, so creating a
    // workspace costs no extra exec round trip; StdinOnce closes it when the tarball ends.
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    HostConfig: {
      Runtime: policy.runtime,
      NetworkMode: policy.network,
      Binds: [],
      Mounts: [],
      ReadonlyRootfs: policy.readOnlyRootfs,
      Tmpfs: {
        [WORKSPACE_DIR]: tmpfs(limits.workspace_mb, "0755", true),
        [HOME_DIR]: tmpfs(limits.tmp_mb, "0700", true),
        "/tmp": tmpfs(limits.tmp_mb, "1777", false),
        // Root's, not the sandbox user's: the baseline the change is measured against (see labels.ts).
        [BASELINE_DIR]: tmpfs(limits.workspace_mb, "0755", false),
      },
      CapDrop: policy.dropAllCapabilities ? ["ALL"] : [],
      SecurityOpt: policy.noNewPrivileges ? ["no-new-privileges"] : [],
      Privileged: false,
      Memory: memoryBytes,
      // Equal to Memory: no swap, so a memory bomb meets the limit instead of thrashing the host.
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(limits.cpus * 1e9),
      // Under gVisor the host sees the sandbox's own threads (dozens per sandboxed process on the
      // ptrace platform, see hostPidsLimit), and hitting this limit crashes the whole sandbox. So the
      // host limit is a generous backstop; the limit commands meet is RLIMIT_NPROC below, which
      // gVisor enforces for processes and threads alike.
      PidsLimit: hostPidsLimit(limits.pids_limit),
      Ulimits: [
        { Name: "nofile", Soft: policy.nofile, Hard: policy.nofile },
        { Name: "nproc", Soft: limits.pids_limit, Hard: limits.pids_limit },
        { Name: "fsize", Soft: fsizeBytes, Hard: fsizeBytes },
      ],
      IpcMode: "private",
      AutoRemove: false,
      RestartPolicy: { Name: "no" },
      // Command output goes back through exec streams; the container log would only grow on the host.
      LogConfig: { Type: "none", Config: {} },
    },
  };
}
