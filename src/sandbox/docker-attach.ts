import { Writable } from "node:stream";
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { OutputCap } from "./output-cap.js";

export interface StartOutcome {
  stdout: OutputCap;
  stderr: OutputCap;
  /** The first command ended the container (failed) instead of closing its output and idling. */
  containerStopped: boolean;
}

/**
 * Starts a created container with `stdin` piped into its first command, and collects that
 * command's output until it prints `doneMarker` on a line of its own (or the container stops).
 * The marker, not the end of the stream: under gVisor the attach stream stays open for as long
 * as the container lives, whatever the command does with its own descriptors.
 * `start` is called between attaching and feeding stdin, so no output is missed; its errors
 * are passed through as they are. `containerGone` is asked for after `start`.
 */
export async function startAttached(
  container: Docker.Container,
  stdin: Readable,
  options: {
    start: () => Promise<unknown>;
    containerGone: () => Promise<unknown>;
    doneMarker: string;
    stdoutLimit: number;
    stderrLimit: number;
  },
): Promise<StartOutcome> {
  const stdout = new OutputCap(options.stdoutLimit);
  const stderr = new OutputCap(options.stderrLimit);
  const stream = (await container.attach({
    stream: true,
    stdin: true,
    stdout: true,
    stderr: true,
    hijack: true,
  })) as NodeJS.ReadWriteStream & {
    destroy(): void;
  };
  const marker = Buffer.from(`${options.doneMarker}\n`);
  let markerSeen: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    markerSeen = resolve;
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
  });
  container.modem.demuxStream(
    stream,
    sink(stdout, () => {
      if (stdout.bytes().includes(marker)) markerSeen();
    }),
    sink(stderr),
  );
  try {
    await options.start();
  } catch (error) {
    stream.destroy();
    throw error;
  }
  let containerStopped = false;
  const gone = options.containerGone().then(() => {
    containerStopped = true;
  });
  // The first command may stop reading early (bad archive); that surfaces as its exit, not here.
  stream.on("error", () => undefined);
  stdin.on("error", () => stream.end());
  stdin.pipe(stream);
  await Promise.race([ended, gone]);
  stream.destroy();
  return { stdout, stderr, containerStopped };
}

function sink(cap: OutputCap, onWrite?: () => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      cap.push(chunk);
      onWrite?.();
      callback();
    },
  });
}
