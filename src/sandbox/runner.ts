import type { Readable } from "node:stream";

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
  /** Hard deadline for the whole sandbox, after which it is killed. */
  deadlineMs?: number;
}

export interface ExecOptions {
  /** Working directory relative to the workspace root (default: the root). */
  cwd?: string;
  /** Extra environment; nothing else from the app's environment is passed. */
  env?: Record<string, string>;
  stdin?: string | Buffer;
  /** Per-command timeout; the whole process group is killed when it passes. */
  timeoutMs?: number;
  /** Bytes of stdout and of stderr kept; the rest is dropped with a visible marker. */
  outputLimitBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** The kernel killed it for exceeding the memory limit. */
  oomKilled: boolean;
  truncated: boolean;
  durationMs: number;
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
