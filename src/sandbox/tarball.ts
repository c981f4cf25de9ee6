import { PassThrough } from "node:stream";
import type { Readable } from "node:stream";

/**
 * Looks at the first bytes of a tarball stream to tell gzip from plain tar (GNU tar does not
 * detect compression on a pipe). The returned stream still yields every byte.
 */
export async function sniffTarball(input: Readable): Promise<{ gzip: boolean; stream: Readable }> {
  const out = new PassThrough();
  const first = await new Promise<Buffer | null>((resolve, reject) => {
    const onData = (chunk: Buffer | string) => {
      cleanup();
      input.pause();
      resolve(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: unknown) => {
      cleanup();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    const cleanup = () => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.off("error", onError);
    };
    input.on("data", onData);
    input.on("end", onEnd);
    input.on("error", onError);
  });
  if (first === null) {
    out.end();
    return { gzip: false, stream: out };
  }
  out.write(first);
  input.on("error", (error) => out.destroy(error));
  input.pipe(out);
  input.resume();
  return { gzip: first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b, stream: out };
}

/** The files of a tar (as bytes) by name; only regular files. */
export async function readTar(tarBytes: Buffer): Promise<Map<string, Buffer>> {
  const { extract } = await import("tar-stream");
  const files = new Map<string, Buffer>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        if (header.type === "file") files.set(header.name, Buffer.concat(chunks));
        next();
      });
      stream.resume();
    });
    ex.on("finish", () => resolve());
    ex.on("error", reject);
  });
  ex.end(tarBytes);
  await done;
  return files;
}
