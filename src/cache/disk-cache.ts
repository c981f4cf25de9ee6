import { randomUUID } from "node:crypto";
import type { ReadStream } from "node:fs";
import { mkdir, open, rename, stat, unlink, utimes, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { CacheEntryTooLarge } from "./cache-errors.js";
import { entryName } from "./entry-name.js";
import { evictEntries, listEntries, removeStaleTemporaries } from "./evict-entries.js";

/** Writes one entry's bytes to `tmpPath` (stream into it; the cache moves it into place). */
export type EntryWriter = (tmpPath: string) => Promise<void>;

/**
 * A bounded on-disk cache that several processes on one host share through one directory.
 * Entries are whole files named by the hash of their key; a write lands in a temporary file and
 * is renamed into place, so a reader sees a complete entry or none. The least recently used
 * entries are removed when the total passes the limit.
 */
export interface DiskCache {
  /** The entry's path, marked as used; null when absent. The file may be evicted once returned: prefer `open`. */
  get(key: string): Promise<string | null>;
  /** The entry opened for reading and marked as used; eviction after this call cannot take it from the reader. */
  open(key: string): Promise<ReadStream | null>;
  /** Stores what `write` puts in its temporary file under `key`, replacing any entry, then evicts; returns the entry's path. */
  put(key: string, write: EntryWriter): Promise<string>;
  /** The entry opened for reading, written first by `write` when absent. Concurrent calls in one process write once. */
  openOrPut(key: string, write: EntryWriter): Promise<{ stream: ReadStream; hit: boolean }>;
  /** Total bytes of the stored entries. */
  size(): Promise<number>;
  /** Removes least recently used entries until the total fits the limit, and writers' abandoned temporary files. */
  evict(): Promise<{ removed: number; bytes: number }>;
}

export interface DiskCacheOptions {
  /** The cache's directory; every process sharing the cache uses the same one. */
  dir: string;
  /** The most the entries may hold together, in bytes. */
  maxBytes: number;
  /** A temporary file not written to for this long belongs to a writer that died; default one hour. */
  staleTemporaryMs?: number;
}

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === "ENOENT";

export function diskCache(options: DiskCacheOptions): DiskCache {
  const entriesDir = join(options.dir, "entries");
  const tmpDir = join(options.dir, "tmp");
  const staleMs = options.staleTemporaryMs ?? 3_600_000;
  const writing = new Map<string, Promise<unknown>>();
  let ready: Promise<unknown> | undefined;
  const ensureDirs = () => (ready ??= Promise.all([mkdir(entriesDir, { recursive: true }), mkdir(tmpDir, { recursive: true })]));

  async function touch(path: string): Promise<boolean> {
    const now = new Date();
    try {
      await utimes(path, now, now);
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async function openEntry(name: string): Promise<FileHandle | null> {
    let handle: FileHandle;
    try {
      handle = await open(join(entriesDir, name), "r");
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
    const now = new Date();
    await handle.utimes(now, now);
    return handle;
  }

  /** Writes, checks the size, opens the result (so the writer holds it whatever eviction does), renames it into place. */
  async function store(name: string, write: EntryWriter): Promise<FileHandle> {
    await ensureDirs();
    const tmp = join(tmpDir, `${name}.${process.pid}.${randomUUID()}`);
    let handle: FileHandle | undefined;
    try {
      await write(tmp);
      const bytes = (await stat(tmp)).size;
      if (bytes > options.maxBytes) throw new CacheEntryTooLarge(bytes, options.maxBytes, options.dir);
      handle = await open(tmp, "r");
      await rename(tmp, join(entriesDir, name));
    } catch (e) {
      await handle?.close();
      await unlink(tmp).catch((u: unknown) => {
        if (!isMissing(u)) throw u;
      });
      throw e;
    }
    await evictEntries(entriesDir, options.maxBytes, new Set([name]));
    return handle;
  }

  const cache: DiskCache = {
    async get(key) {
      const path = join(entriesDir, entryName(key));
      return (await touch(path)) ? path : null;
    },
    async open(key) {
      return (await openEntry(entryName(key)))?.createReadStream() ?? null;
    },
    async put(key, write) {
      const name = entryName(key);
      await (await store(name, write)).close();
      return join(entriesDir, name);
    },
    async openOrPut(key, write) {
      const name = entryName(key);
      for (;;) {
        const hit = await openEntry(name);
        if (hit) return { stream: hit.createReadStream(), hit: true };
        const pending = writing.get(name);
        if (pending) {
          // Another call in this process is writing it: wait, then open what it stored (or write
          // it again if a concurrent eviction already took it).
          await pending.catch(() => undefined);
          continue;
        }
        const job = store(name, write);
        writing.set(name, job);
        try {
          return { stream: (await job).createReadStream(), hit: false };
        } finally {
          writing.delete(name);
        }
      }
    },
    async size() {
      return (await listEntries(entriesDir)).reduce((sum, e) => sum + e.bytes, 0);
    },
    async evict() {
      await removeStaleTemporaries(tmpDir, staleMs);
      return evictEntries(entriesDir, options.maxBytes);
    },
  };
  return cache;
}
