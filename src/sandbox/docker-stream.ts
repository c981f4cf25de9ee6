import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { WorkspaceStream } from "./runner.js";

/**
 * A `docker exec` whose stdin and stdout stay open as streams, for long-lived channels (the setup
 * phase's egress forwarder) and for moving large archives in and out without holding them in
 * memory. The caller owns the lifetime: `close()` ends stdin and drops the stream.
 */
export async function dockerStream(container: Docker.Container, argv: string[], env: string[] = []): Promise<WorkspaceStream> {
  const exec = await container.exec({ Cmd: argv, Env: env, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: true })) as NodeJS.ReadWriteStream & { destroy(): void };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  container.modem.demuxStream(stream, stdout, stderr);
  stream.on("error", () => undefined);
  const stdin = new PassThrough();
  stdin.pipe(stream);
  const ended = new Promise<void>((resolve) => {
    stream.on("end", () => resolve());
    stream.on("close", () => resolve());
    stream.on("error", () => resolve());
  });
  const exit = ended.then(async () => {
    stdout.end();
    stderr.end();
    for (let attempt = 0; attempt < 50; attempt++) {
      const info = await exec.inspect().catch(() => undefined);
      if (!info) return null;
      if (!info.Running && typeof info.ExitCode === "number") return info.ExitCode;
      await new Promise((r) => setTimeout(r, attempt < 10 ? 10 : 50));
    }
    return null;
  });
  return {
    stdin,
    stdout,
    stderr,
    exit,
    close: () => {
      stdin.end();
      stream.destroy();
    },
  };
}
