import { createHash } from "node:crypto";

/**
 * A cache key as a file name: the SHA-256 of the key, so any string (a repository name, a
 * lockfile hash joined with an image version…) maps to a fixed-length, path-safe name, and two
 * keys never share an entry.
 */
export function entryName(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}
