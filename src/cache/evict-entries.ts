import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";

/** One stored entry as eviction sees it. */
export interface EntryStat {
  name: string;
  bytes: number;
  /** Last use: the mtime, touched by every read (atime is unreliable under noatime/relatime). */
  usedAt: number;
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === "ENOENT";

/**
 * The entries of `dir` with their size and last use. Other processes add and remove entries
 * while this runs, so an entry that vanishes between the listing and its stat is skipped.
 */
export async function listEntries(dir: string): Promise<EntryStat[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if (isMissing(e)) return [];
    throw e;
  }
  const stats = await Promise.all(
    names.map(async (name): Promise<EntryStat | null> => {
      try {
        const s = await stat(join(dir, name));
        return s.isFile() ? { name, bytes: s.size, usedAt: s.mtimeMs } : null;
      } catch (e) {
        if (isMissing(e)) return null;
        throw e;
      }
    }),
  );
  return stats.filter((s): s is EntryStat => s !== null);
}

/**
 * Removes the least recently used entries of `dir` until the rest fit in `maxBytes`; `keep`
 * names entries that must stay (the one a caller just wrote). Unlinking an entry that a reader
 * has open is safe on POSIX (the reader keeps its file until it closes it), and an entry another
 * process removed first counts as removed.
 */
export async function evictEntries(
  dir: string,
  maxBytes: number,
  keep: ReadonlySet<string> = new Set(),
): Promise<{ removed: number; bytes: number }> {
  const entries = await listEntries(dir);
  let total = entries.reduce((sum, e) => sum + e.bytes, 0);
  const oldestFirst = entries.filter((e) => !keep.has(e.name)).sort((a, b) => a.usedAt - b.usedAt || a.name.localeCompare(b.name));
  let removed = 0;
  let bytes = 0;
  for (const entry of oldestFirst) {
    if (total <= maxBytes) break;
    try {
      await unlink(join(dir, entry.name));
      removed += 1;
      bytes += entry.bytes;
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    total -= entry.bytes;
  }
  return { removed, bytes };
}

/** Removes writers' temporary files not written to for `staleMs` (their process died mid-write). */
export async function removeStaleTemporaries(dir: string, staleMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const entry of await listEntries(dir)) {
    if (now - entry.usedAt < staleMs) continue;
    try {
      await unlink(join(dir, entry.name));
      removed += 1;
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }
  return removed;
}
