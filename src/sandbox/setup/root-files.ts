import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract } from "tar-stream";
import { sniffTarball } from "../tarball.js";

/**
 * The names of the files at a repository tarball's root (a single top-level folder, as in GitHub's
 * tarballs, is looked through) and the content of those `wanted` says to keep. Read by the app
 * from the cached tarball, so detection needs no sandbox and a cache hit starts none.
 */
export async function readRootFiles(
  tarball: Readable,
  wanted: (name: string) => boolean,
): Promise<{ names: Set<string>; contents: Map<string, Buffer> }> {
  const { gzip, stream } = await sniffTarball(tarball);
  const byPath = new Map<string, Buffer | null>();
  const tops = new Set<string>();
  const ex = extract();
  ex.on("entry", (header, body, next) => {
    const name = header.name.replace(/^\.\//, "").replace(/\/$/, "");
    const parts = name.split("/");
    if (parts[0]) tops.add(parts[0]);
    const file = header.type === "file" && parts.length <= 2;
    const base = parts.at(-1) ?? "";
    if (!file || !wanted(parts.length === 2 ? base : name)) {
      if (file || header.type === "symlink" || header.type === "directory") byPath.set(name, null);
      body.on("end", next);
      body.resume();
      return;
    }
    const chunks: Buffer[] = [];
    body.on("data", (c: unknown) => chunks.push(c as Buffer));
    body.on("end", () => {
      byPath.set(name, Buffer.concat(chunks));
      next();
    });
  });
  await (gzip ? pipeline(stream, createGunzip(), ex) : pipeline(stream, ex));

  const [onlyTop] = tops;
  const stripped = tops.size === 1 && onlyTop !== undefined && [...byPath.keys()].some((p) => p.startsWith(`${onlyTop}/`));
  const names = new Set<string>();
  const contents = new Map<string, Buffer>();
  for (const [path, content] of byPath) {
    const rel = stripped ? (path.startsWith(`${onlyTop}/`) ? path.slice(onlyTop.length + 1) : "") : path;
    if (!rel || rel.includes("/")) continue;
    names.add(rel);
    if (content && wanted(rel)) contents.set(rel, content);
  }
  return { names, contents };
}
