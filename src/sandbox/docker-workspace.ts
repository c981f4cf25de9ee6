import { randomUUID } from "node:crypto";
import type Docker from "dockerode";
import { PathOutsideWorkspace, SandboxTimeout, SandboxUnavailable, WaveError } from "../errors.js";
import { KILL_ALL_SIGNAL, RUNNER_RESERVED_PROCESSES } from "./container-config.js";
import { binaryPaths, parseCatFileBatch, parseRawDiff } from "./diff-parse.js";
import { dockerExec } from "./docker-exec.js";
import { dockerStream } from "./docker-stream.js";
import type { DockerExecOutcome, DockerExecRequest } from "./docker-exec.js";
import type { Release } from "./fifo-limiter.js";
import { RUNNER_DIR, WORKSPACE_DIR } from "./labels.js";
import type { SandboxLimits } from "./policy.js";
import type { ChangedFile, ExecOptions, ExecResult, Workspace, WorkspaceChange, WorkspaceStream } from "./runner.js";
import { EXPORT_CHANGE, KILL_COMMAND, OUTSIDE_EXIT, OUTSIDE_MARK, READ_FILE, RUN_COMMAND, WRITE_FILE } from "./sandbox-scripts.js";
import { readTar } from "./tarball.js";
import { workspaceRelativePath } from "./workspace-path.js";

/** Why a sandbox container stopped before it was destroyed. */
export type StopReason = "deadline" | "out-of-memory" | "stopped";

/** Output the runner's own commands may produce (an export, a file read). */
const INTERNAL_OUTPUT_LIMIT = 256 * 1024 * 1024;
/** A runner command (read, write, export) that takes longer than this is stuck, not slow. */
const INTERNAL_TIMEOUT_SECONDS = 300;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * How often a running command's sandbox is counted for the process limit. Under gVisor's ptrace
 * platform every sandboxed task costs the host dozens of threads, so a command forking without
 * end is stopped within a few seconds rather than left to fill the host's pids cgroup.
 */
const PROCESS_WATCH_MS = 1000;
/**
 * Counts in a row at the limit before the command is killed: a build briefly at its cap is not a
 * fork bomb. A probe that cannot even start (the sandbox is full) is enough on its own.
 */
const PROCESS_WATCH_HITS = 2;
/**
 * How close to the limit counts as at it: a shell fork bomb idles a few tasks below its cap
 * (processes backing off between failed forks, zombies not yet reaped), measured at 4 below.
 */
const PROCESS_WATCH_MARGIN = 6;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export interface DockerWorkspaceParts {
  container: Docker.Container;
  baseline: string;
  /** The image has the wave-exec launcher (one process per command); otherwise a shell wrapper does the same job. */
  helper: boolean;
  limits: SandboxLimits;
  /** Resolves once the container has stopped, with the reason. */
  stopped: Promise<StopReason>;
  /** Stops and removes the container (idempotent). */
  remove: () => Promise<void>;
  release: Release;
}

/** One sandbox: a running container holding the workspace and its baseline commit. */
export class DockerWorkspace implements Workspace {
  readonly id: string;
  private stopReason: StopReason | undefined;
  private destroyed = false;
  private inFlight = 0;

  constructor(private readonly parts: DockerWorkspaceParts) {
    this.id = parts.container.id.slice(0, 12);
    void parts.stopped.then((reason) => {
      this.stopReason = reason;
      // The slot belongs to a live sandbox; a dead one (deadline, OOM, reaper) gives it back.
      parts.release();
    });
  }

  async exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.assertUsable();
    if (argv.length === 0 || argv[0] === "") throw new WaveError("exec needs a program to run (argv was empty).");
    const cwd =
      options.cwd === undefined || options.cwd === "" || options.cwd === "."
        ? WORKSPACE_DIR
        : `${WORKSPACE_DIR}/${workspaceRelativePath(options.cwd)}`;
    const env = Object.entries(options.env ?? {}).map(([name, value]) => {
      if (!ENV_NAME.test(name)) throw new WaveError(`${JSON.stringify(name)} is not a valid environment variable name.`);
      return `${name}=${value}`;
    });
    const limit = options.outputLimitBytes ?? this.parts.limits.output_limit_kb * 1024;
    const timeoutMs = options.timeoutMs ?? this.parts.limits.command_timeout_seconds * 1000;
    const execId = randomUUID();
    const pidFile = `${RUNNER_DIR}/${execId}.pid`;
    const agentProcesses = Math.max(8, this.parts.limits.pids_limit - RUNNER_RESERVED_PROCESSES);

    this.inFlight += 1;
    let outcome: DockerExecOutcome;
    try {
      outcome = await this.run({
        argv: this.parts.helper
          ? ["wave-exec", RUNNER_DIR, execId, cwd, String(agentProcesses), ...argv]
          : ["/bin/sh", "-c", RUN_COMMAND, "wave-exec", pidFile, cwd, String(agentProcesses), ...argv],
        env,
        ...(options.stdin === undefined ? {} : { stdin: Buffer.from(options.stdin) }),
        stdoutLimit: limit,
        stderrLimit: limit,
        timeoutMs,
        // Alone in the sandbox, a timed-out command's escaped children (new sessions) die too.
        onTimeout: () => this.kill(pidFile, this.inFlight === 1 ? "all" : "group"),
        watch: { everyMs: PROCESS_WATCH_MS, overLimit: this.processWatch(agentProcesses) },
      });
    } finally {
      this.inFlight -= 1;
    }

    // The launcher's own watch (inside the sandbox, so it acts within a second) killed a fork bomb.
    const limited =
      this.parts.helper &&
      outcome.exitCode === 137 &&
      !outcome.timedOut &&
      !outcome.overLimit &&
      !outcome.containerStopped &&
      (await this.launcherHitLimit(`${RUNNER_DIR}/${execId}.limit`));
    if (limited) outcome = { ...outcome, overLimit: true };
    if (outcome.overLimit) await this.settleAfterRunaway(agentProcesses);

    // A command killed with SIGKILL may have died with its whole sandbox (deadline, OOM, reaper):
    // the exec stream can end before Docker's wait() tells us. Ask, so the answer is right.
    let reason: StopReason | undefined;
    if (outcome.containerStopped) reason = await this.parts.stopped;
    // 126 too: an exec whose container died under it can end with Docker's "cannot execute" code.
    else if (
      !outcome.timedOut &&
      !outcome.overLimit &&
      (outcome.exitCode === 137 || outcome.exitCode === 126 || outcome.exitCode === null)
    ) {
      reason = await this.stoppedUnlessAlive();
    } else if (!outcome.timedOut && !outcome.overLimit && outcome.exitCode !== 0 && !(await this.containerRunning())) {
      // Any other failure whose sandbox is gone died with it (runsc's exec can end with its own
      // error code when the sentry is killed under it): the sandbox's reason, not the code, is the answer.
      reason = await this.parts.stopped;
    }
    const oomKilled = reason === "out-of-memory";
    if (reason !== undefined && !oomKilled) this.assertUsable();
    const exitCode = outcome.timedOut ? 124 : oomKilled || outcome.overLimit ? 137 : (outcome.exitCode ?? 137);
    return {
      ...(outcome.overLimit && !oomKilled ? { killed: "process limit" as const } : {}),
      exitCode,
      stdout: outcome.stdout.text(),
      stderr: outcome.stderr.text(),
      timedOut: outcome.timedOut,
      oomKilled,
      truncated: outcome.stdout.truncated || outcome.stderr.truncated,
      durationMs: Math.round(outcome.durationMs),
    };
  }

  async readFile(path: string): Promise<Buffer> {
    const rel = workspaceRelativePath(path);
    const outcome = await this.internal(["/bin/sh", "-c", READ_FILE, "wave-read", rel]);
    if (outcome.exitCode !== 0) {
      refuseOutside(rel, outcome);
      throw new WaveError(`Cannot read ${rel} in the sandbox: ${outcome.stderr.text().trim() || `exit code ${outcome.exitCode}`}.`);
    }
    if (outcome.stdout.truncated)
      throw new WaveError(`${rel} is larger than ${INTERNAL_OUTPUT_LIMIT} bytes; read it in parts with a command.`);
    return outcome.stdout.bytes();
  }

  async writeFile(path: string, content: string | Buffer, options: { mode?: number } = {}): Promise<void> {
    const rel = workspaceRelativePath(path);
    const mode = options.mode === undefined ? "keep" : (options.mode & 0o7777).toString(8);
    const outcome = await this.internal(["/bin/sh", "-c", WRITE_FILE, "wave-write", rel, mode], Buffer.from(content));
    if (outcome.exitCode !== 0) {
      refuseOutside(rel, outcome);
      throw new WaveError(`Cannot write ${rel} in the sandbox: ${outcome.stderr.text().trim() || `exit code ${outcome.exitCode}`}.`);
    }
  }

  async exportChange(): Promise<WorkspaceChange> {
    let parts = await this.exportParts("text");
    let patchText = decodeUtf8(parts.patch);
    if (patchText === undefined) {
      // A text hunk holds bytes that are not UTF-8; as binary hunks the patch is plain ASCII and still exact.
      parts = await this.exportParts("binary");
      patchText = parts.patch.toString("latin1");
    }
    const raw = parseRawDiff(parts.raw);
    const binary = binaryPaths(parts.numstat);
    const blobs = parts.blobs.length === 0 ? new Map<string, Buffer>() : parseCatFileBatch(parts.blobs);
    const files: ChangedFile[] = raw.map((change) => {
      const file: ChangedFile = { path: change.path, status: change.status, binary: binary.has(change.path) };
      if (change.previousPath !== undefined) file.previousPath = change.previousPath;
      if (change.mode !== undefined) file.mode = change.mode;
      if (change.blob !== undefined) {
        const content = blobs.get(change.blob);
        if (!content) throw new WaveError(`The sandbox did not return the content of ${change.path}.`);
        file.content = content;
      }
      return file;
    });
    return { patch: patchText, files };
  }

  async openStream(argv: string[], options: { env?: Record<string, string> } = {}): Promise<WorkspaceStream> {
    this.assertUsable();
    const env = Object.entries(options.env ?? {}).map(([name, value]) => {
      if (!ENV_NAME.test(name)) throw new WaveError(`${JSON.stringify(name)} is not a valid environment variable name.`);
      return `${name}=${value}`;
    });
    return dockerStream(this.parts.container, argv, env);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      await this.parts.remove();
    } finally {
      this.parts.release();
    }
  }

  private async exportParts(mode: "text" | "binary"): Promise<{ patch: Buffer; raw: Buffer; numstat: Buffer; blobs: Buffer }> {
    const outcome = await this.internal(["/bin/sh", "-c", EXPORT_CHANGE, "wave-export", this.parts.baseline, mode]);
    if (outcome.exitCode !== 0 || outcome.stdout.truncated) {
      const why = outcome.stdout.truncated ? `the change is larger than ${INTERNAL_OUTPUT_LIMIT} bytes` : outcome.stderr.text().trim();
      throw new WaveError(`Cannot export the change from the sandbox: ${why}.`);
    }
    const files = await readTar(outcome.stdout.bytes());
    const pick = (name: string) => files.get(name) ?? Buffer.alloc(0);
    return { patch: pick("patch"), raw: pick("raw"), numstat: pick("numstat"), blobs: pick("blobs") };
  }

  /** A runner command: no process-group wrapper, a generous timeout, a large output cap. */
  private async internal(argv: string[], stdin?: Buffer): Promise<DockerExecOutcome> {
    this.assertUsable();
    // Counted as in flight, so a timeout elsewhere kills by process group only and spares it.
    this.inFlight += 1;
    let outcome: DockerExecOutcome;
    try {
      outcome = await this.run({
        argv: ["timeout", "-s", "KILL", String(INTERNAL_TIMEOUT_SECONDS), ...argv],
        ...(stdin === undefined ? {} : { stdin }),
        stdoutLimit: INTERNAL_OUTPUT_LIMIT,
        stderrLimit: 64 * 1024,
      });
    } finally {
      this.inFlight -= 1;
    }
    if (outcome.containerStopped) {
      await this.parts.stopped;
      this.assertUsable();
    }
    return outcome;
  }

  private run(request: Omit<DockerExecRequest, "containerGone">): Promise<DockerExecOutcome> {
    return dockerExec(this.parts.container, { ...request, containerGone: this.parts.stopped }).catch(async (error: unknown) => {
      // "Container is not running" (409) or already removed (404): Docker knew before our wait() did.
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 409 || status === 404) await Promise.race([this.parts.stopped, sleep(5000)]);
      if (this.stopReason !== undefined || this.destroyed) this.assertUsable();
      throw new SandboxUnavailable(
        `The sandbox ${this.id} did not run the command: ${error instanceof Error ? error.message : String(error)}.`,
        {
          hint: "The container may have been removed; start a new workspace.",
          cause: error,
        },
      );
    });
  }

  /**
   * Kills a timed-out (or runaway) command. Retried when a try ran and failed, never while one
   * may still be running (a late `kill -1` from an abandoned try would kill the next command).
   * When no exec can start at all (the sandbox is at its process limit, so even the kill cannot
   * fork), PID 1, which already exists, is signalled to kill every process but itself.
   */
  private async kill(pidFile: string, scope: "group" | "all"): Promise<void> {
    for (let attempt = 0; attempt < 3 && this.stopReason === undefined; attempt++) {
      const outcome = await dockerExec(this.parts.container, {
        argv: ["/bin/sh", "-c", KILL_COMMAND, "wave-kill", pidFile, scope],
        stdoutLimit: 4096,
        stderrLimit: 4096,
        containerGone: this.parts.stopped,
        timeoutMs: 30_000,
      }).catch(() => undefined);
      if (outcome?.exitCode === 0 || outcome?.timedOut) return;
      if (outcome === undefined || cannotStart(outcome)) break;
      await sleep(200);
    }
    if (this.stopReason === undefined) await this.parts.container.kill({ signal: KILL_ALL_SIGNAL }).catch(() => undefined);
  }

  /**
   * True once PROCESS_WATCH_HITS probes in a row find the sandbox's tasks (processes and threads,
   * which RLIMIT_NPROC counts alike) at the command's limit, within PROCESS_WATCH_MARGIN: the
   * command forks without end.
   */
  private processWatch(limit: number): () => Promise<boolean> {
    let hits = 0;
    return async () => {
      const tasks = await this.countTasks();
      if (tasks === Number.POSITIVE_INFINITY) return true;
      hits = tasks !== undefined && tasks >= limit - PROCESS_WATCH_MARGIN ? hits + 1 : 0;
      return hits >= PROCESS_WATCH_HITS;
    };
  }

  /** Docker's view (no process in the sandbox): false once the container has stopped. */
  private async containerRunning(): Promise<boolean> {
    if (this.stopReason !== undefined) return false;
    const info = await this.parts.container.inspect().catch(() => undefined);
    return info === undefined ? this.stopReason === undefined : info.State.Running;
  }

  /**
   * True when wave-exec killed the command at its process limit: it leaves a `.limit` file, which
   * this removes. False when the file is absent or the sandbox cannot answer (the callers then ask
   * whether it is alive).
   */
  private async launcherHitLimit(limitFile: string): Promise<boolean> {
    const outcome = await dockerExec(this.parts.container, {
      argv: ["rm", "--", limitFile],
      stdoutLimit: 1024,
      stderrLimit: 4096,
      containerGone: this.parts.stopped,
      timeoutMs: 30_000,
    }).catch(() => undefined);
    return outcome !== undefined && outcome.exitCode === 0 && !outcome.containerStopped;
  }

  /**
   * After a command died of SIGKILL (or could not be executed): undefined when the sandbox still
   * runs a command (it was the command alone), else why the sandbox stopped. Asking the sandbox, not waiting a fixed
   * time for Docker's wait(), keeps the answer right on a loaded host, where Docker can take
   * seconds to report an out-of-memory death.
   */
  private async stoppedUnlessAlive(): Promise<StopReason | undefined> {
    const probe = await dockerExec(this.parts.container, {
      argv: ["true"],
      stdoutLimit: 1024,
      stderrLimit: 4096,
      containerGone: this.parts.stopped,
      timeoutMs: 30_000,
    }).catch(() => undefined);
    if (probe !== undefined && probe.exitCode === 0 && !probe.containerStopped) return undefined;
    return Promise.race([this.parts.stopped, sleep(30_000).then(() => undefined)]);
  }

  /**
   * After a runaway command was killed, waits until the sandbox can start a command again (its
   * killed processes reaped), signalling PID 1 again while nothing can start, so that the next
   * command does not meet the dying command's processes.
   */
  private async settleAfterRunaway(limit: number): Promise<void> {
    for (let attempt = 0; attempt < 40 && this.stopReason === undefined; attempt++) {
      const tasks = await this.countTasks();
      if (tasks !== undefined && tasks < limit) return;
      if (tasks === Number.POSITIVE_INFINITY && attempt % 4 === 3)
        await this.parts.container.kill({ signal: KILL_ALL_SIGNAL }).catch(() => undefined);
      await sleep(250);
    }
  }

  /**
   * Tasks alive in the sandbox, the probe itself not counted; Infinity when the sandbox is so full
   * that the probe cannot start; undefined when it failed otherwise.
   */
  private async countTasks(): Promise<number | undefined> {
    const outcome = await dockerExec(this.parts.container, {
      argv: ["ps", "-e", "-L", "-o", "lwp="],
      stdoutLimit: 1024 * 1024,
      stderrLimit: 4096,
      containerGone: this.parts.stopped,
      timeoutMs: 10_000,
    }).catch(() => undefined);
    if (outcome === undefined) return undefined;
    if (cannotStart(outcome)) return Number.POSITIVE_INFINITY;
    if (outcome.exitCode !== 0) return undefined;
    return (
      outcome.stdout
        .text()
        .split("\n")
        .filter((line) => line.trim() !== "").length - 1
    );
  }

  private assertUsable(): void {
    if (this.destroyed) throw new WaveError(`The sandbox ${this.id} was destroyed.`, { hint: "Create a new workspace." });
    switch (this.stopReason) {
      case undefined:
        return;
      case "deadline":
        throw new SandboxTimeout(`The sandbox ${this.id} passed its job deadline and was killed.`, {
          hint: "Raise sandbox.job_deadline_minutes in .github/wave.yml, or split the work.",
        });
      case "out-of-memory":
        throw new SandboxUnavailable(`The sandbox ${this.id} ran out of memory and was killed; its files are gone.`, {
          hint: "Raise sandbox.memory_mb in .github/wave.yml, or make the command use less memory.",
        });
      case "stopped":
        throw new SandboxUnavailable(`The sandbox ${this.id} stopped (removed by the reaper or from outside).`, {
          hint: "Start a new workspace.",
        });
    }
  }
}

/**
 * The exec could not start a process in the sandbox because it is at its process limit: runsc
 * answers "try again" (EAGAIN) with exit code 126, and a shell that started says "Cannot fork".
 */
function cannotStart(outcome: DockerExecOutcome): boolean {
  const text = `${outcome.stdout.text()}${outcome.stderr.text()}`;
  return (outcome.exitCode === 126 && /try again/i.test(text)) || /cannot fork|fork: retry|resource temporarily unavailable/i.test(text);
}

/** A runner script refused the path because it resolves outside the workspace: say so to the agent. */
function refuseOutside(rel: string, outcome: DockerExecOutcome): void {
  const stderr = outcome.stderr.text();
  if (outcome.exitCode !== OUTSIDE_EXIT || !stderr.startsWith(OUTSIDE_MARK)) return;
  const target = stderr.slice(OUTSIDE_MARK.length).trim();
  throw new PathOutsideWorkspace(`The path ${rel} leads outside the workspace: a symbolic link in it resolves to ${target}.`, {
    hint: "The file tools only touch the repository's own files; use a path whose links stay inside the repository.",
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}
