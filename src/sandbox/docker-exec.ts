import { Writable } from "node:stream";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { OutputCap } from "./output-cap.js";

export interface DockerExecRequest {
  argv: string[];
  env?: string[];
  workingDir?: string;
  /** Bytes, or a stream piped in and then closed. Without it the command reads an empty stdin. */
  stdin?: Buffer | Readable;
  stdoutLimit: number;
  stderrLimit: number;
  /** Resolves when the container itself stopped (OOM, deadline, reaper): the exec stream may never end then. */
  containerGone: Promise<unknown>;
  timeoutMs?: number;
  /** Called once when the timeout passes; must stop the command so its stream ends. */
  onTimeout?: () => Promise<void>;
}

export interface DockerExecOutcome {
  /** null when the container stopped before the command reported an exit code. */
  exitCode: number | null;
  stdout: OutputCap;
  stderr: OutputCap;
  timedOut: boolean;
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
  let containerStopped = false;
  let timer: NodeJS.Timeout | undefined;
  let graceTimer: NodeJS.Timeout | undefined;

  const ended = new Promise<void>((resolve) => {
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
  });
  const gone = request.containerGone.then(() => {
    containerStopped = true;
  });
  const timeout = new Promise<void>((resolve) => {
    if (request.timeoutMs === undefined) return;
    timer = setTimeout(() => {
      timedOut = true;
      const kill = request.onTimeout ? request.onTimeout() : Promise.resolve();
      // Whatever the kill achieved, the caller gets an answer shortly after.
      void kill.catch(() => undefined).then(() => {
        graceTimer = setTimeout(resolve, AFTER_KILL_GRACE_MS);
      });
    }, request.timeoutMs);
  });

  if (request.stdin !== undefined) feedStdin(stream, request.stdin);

  await Promise.race([ended, gone, timeout]);
  clearTimeout(timer);
  clearTimeout(graceTimer);
  stream.destroy();

  let exitCode: number | null = null;
  if (!containerStopped) {
    exitCode = await exitCodeOf(exec);
  }
  return { exitCode, stdout, stderr, timedOut, containerStopped, durationMs: performance.now() - started };
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
