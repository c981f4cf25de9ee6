import type { Readable } from "node:stream";
import type { SandboxSection as SandboxLimits } from "../config/sections/sandbox.js";

/**
 * The port through which every agent command runs. Implementations hold no
 * credentials and give the workspace no network. Docker + gVisor is the first
 * backend; Kubernetes Jobs or GitHub Actions can follow behind the same port.
 */
export interface Runner {
  /**
   * Creates a sandbox whose workspace holds the contents of `tarball` (a tar or
   * tar.gz stream, e.g. GitHub's repository tarball; a single top-level folder is
   * stripped), and records a baseline commit so the change can be exported exactly.
   */
  createWorkspace(spec: WorkspaceSpec, tarball: Readable): Promise<Workspace>;
}

export interface WorkspaceSpec {
  /** Labels for the reaper: which story and job this sandbox belongs to. */
  storyId: string;
  jobId: string;
  /**
   * Hard deadline for the whole sandbox, in milliseconds from its creation, after which the
   * container is killed (default: the limits' `job_deadline_minutes`).
   */
  deadlineMs?: number;
  /** The repository's `sandbox:` section of .github/wave.yml (resource limits); host defaults when absent. */
  limits?: Partial<SandboxLimits>;
  /** The Docker image, already checked against the host's allowlist (`chooseImage`); the policy's image when absent. */
  image?: string;
}

export interface ExecOptions {
  /** Working directory relative to the workspace root (default: the root). */
  cwd?: string;
  /** Extra environment; nothing else from the app's environment is passed. */
  env?: Record<string, string>;
  stdin?: string | Buffer;
  /** Per-command timeout; the whole process group is killed when it passes (default: the limits' `command_timeout_seconds`). */
  timeoutMs?: number;
  /** Bytes of stdout and of stderr kept; the rest is dropped with a visible `…[truncated N bytes]` marker (default: `output_limit_kb`). */
  outputLimitBytes?: number;
}

/**
 * What a command did. A command that could not start (missing binary: 127) or failed is a
 * result, not an exception; exceptions mean the sandbox itself is gone or unusable.
 */
export interface ExecResult {
  /** The command's exit code; 124 when it timed out, 137 when the sandbox ran out of memory. */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /**
   * The sandbox exceeded its memory limit and was killed. Under gVisor the whole sandbox goes,
   * not just the command: later calls on this workspace throw SandboxUnavailable.
   */
  oomKilled: boolean;
  truncated: boolean;
  durationMs: number;
  /**
   * Set when the runner killed the command itself, other than for a timeout or memory: "process
   * limit" when it kept the sandbox at its process limit (a fork bomb); the exit code is 137.
   */
  killed?: "process limit";
}

/** One file's change in an exported patch. */
export interface ChangedFile {
  path: string;
  /** For renames, the path before. */
  previousPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
  /** Git file mode after the change: "100644", "100755" or "120000" (symlink). Absent for deletions. */
  mode?: "100644" | "100755" | "120000";
  /** New content, absent for deletions. */
  content?: Buffer;
  binary: boolean;
}

export interface WorkspaceChange {
  /** `git diff --binary` against the baseline: applies with `git apply` to the original tree. */
  patch: string;
  files: ChangedFile[];
}

export interface Workspace {
  readonly id: string;
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  readFile(path: string): Promise<Buffer>;
  writeFile(path: string, content: string | Buffer, options?: { mode?: number }): Promise<void>;
  /** The change against the baseline, made exact by git inside the sandbox. */
  exportChange(): Promise<WorkspaceChange>;
  destroy(): Promise<void>;
}
