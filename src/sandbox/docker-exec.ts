import { Writable } from "node:stream";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { OutputCap } from "./output-cap.js";

export interface DockerExecRequest {
  argv: string[];
  env?: string[];
  workingDir?: string;
  /** uid:gid to run as instead of the container's user (the runner's root-owned baseline; no capabilities either way). */
  user?: string;
  /** Bytes, or a stream piped in and then closed. Without it the command reads an empty stdin. */
  stdin?: Buffer | Readable;
  stdoutLimit: number;
  stderrLimit: number;
  /** Resolves when the container itself stopped (OOM, deadline, reaper): the exec stream may never end then. */
  containerGone: Promise<unknown>;
  timeoutMs?: number;
  /** Called once when the timeout passes, or when `watch` finds the command over a limit; must stop the command so its stream ends. */
  onTimeout?: () => Promise<void>;
  /**
   * Asked every `everyMs` while the command runs (never twice at once); when it answers true,
   * the command is killed through `onTimeout` and the outcome says `overLimit`.
   */
  watch?: { everyMs: number; overLimit: () => Promise<boolean> };
}

export interface DockerExecOutcome {
  /** null when the container stopped before the command reported an exit code. */
  exitCode: number | null;
  stdout: OutputCap;
  stderr: OutputCap;
  timedOut: boolean;
  /** `watch` found the command over its limit, and it was killed. */
  overLimit: boolean;
  containerStopped: boolean;
  durationMs: number;
}

/** After a timeout, how long the killed command's stream may take to close before it is cut. */
const AFTER_KILL_GRACE_MS = 3000;

/**
 * Runs one `docker exec`, demultiplexing stdout and stderr into capped buffers. Never waits
 * forever: the exec ends when its stream ends, when the container stops, or (after a timeout
 * and the kill) after a short grace.
 */
export async function dockerExec(container: Docker.Container, request: DockerExecRequest): Promise<DockerExecOutcome> {
  const started = performance.now();
  const stdout = new OutputCap(request.stdoutLimit);
  const stderr = new OutputCap(request.stderrLimit);
  const exec = await container.exec({
    Cmd: request.argv,
    Env: request.env ?? [],
    ...(request.workingDir ? { WorkingDir: request.workingDir } : {}),
    ...(request.user ? { User: request.user } : {}),
    AttachStdin: request.stdin !== undefined,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: request.stdin !== undefined })) as NodeJS.ReadWriteStream & {
    destroy(): void;
  };
  container.modem.demuxStream(stream, sink(stdout), sink(stderr));

  let timedOut = false;
  let overLimit = false;
  let containerStopped = false;
  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let watchTimer: NodeJS.Timeout | undefined;

  const ended = new Promise<void>((resolve) => {
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
  });
  const gone = request.containerGone.then(() => {
    containerStopped = true;
  });
  let killing: Promise<void> | undefined;
  const stop = (resolve: () => void) => {
    if (killing) return;
    const kill = request.onTimeout ? request.onTimeout() : Promise.resolve();
    // Whatever the kill achieved, the caller gets an answer shortly after.
    killing = kill
      .catch(() => undefined)
      .then(() => {
        graceTimer = setTimeout(resolve, AFTER_KILL_GRACE_MS);
      });
  };
  const timeout = new Promise<void>((resolve) => {
    if (request.timeoutMs === undefined) return;
    timer = setTimeout(() => {
      timedOut = !overLimit;
      stop(resolve);
    }, request.timeoutMs);
  });
  const limited = new Promise<void>((resolve) => {
    const watch = request.watch;
    if (watch === undefined) return;
    const poll = () => {
      watchTimer = setTimeout(() => {
        void watch.overLimit().then(
          (over) => {
            if (finished || killing) return;
            if (!over) return poll();
            overLimit = true;
            stop(resolve);
          },
          () => finished || killing || poll(),
        );
      }, watch.everyMs);
    };
    poll();
  });

  if (request.stdin !== undefined) feedStdin(stream, request.stdin);

  await Promise.race([ended, gone, timeout, limited]);
  finished = true;
  clearTimeout(timer);
  clearTimeout(graceTimer);
  clearTimeout(watchTimer);
  stream.destroy();

  let exitCode: number | null = null;
  if (!containerStopped) {
    exitCode = await exitCodeOf(exec);
  }
  return { exitCode, stdout, stderr, timedOut, overLimit, containerStopped, durationMs: performance.now() - started };
}

function sink(cap: OutputCap): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      cap.push(chunk);
      callback();
    },
  });
}

function feedStdin(stream: NodeJS.ReadWriteStream, stdin: Buffer | Readable): void {
  // A command that exits without reading its stdin closes the pipe; that is not our error.
  stream.on("error", () => undefined);
  if (Buffer.isBuffer(stdin)) {
    stream.end(stdin);
    return;
  }
  stdin.on("error", () => stream.end());
  stdin.pipe(stream);
}

/** Docker may report the exit code a moment after the stream closed; ask a few times. */
async function exitCodeOf(exec: Docker.Exec): Promise<number | null> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const info = await exec.inspect().catch(() => undefined);
    if (!info) return null;
    if (!info.Running && typeof info.ExitCode === "number") return info.ExitCode;
    await new Promise((r) => setTimeout(r, attempt < 10 ? 10 : 50));
  }
  return null;
}
