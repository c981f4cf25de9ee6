import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";

/**
 * Installed dependencies by cache key, as archives in one directory on the host: replicas on the
 * same host share it (entries appear by atomic rename, so a reader never sees half an archive),
 * and it stays under `maxBytes` by evicting the least recently used entries.
 */
export interface DependencyCache {
  /** The archive for `key`, marked as just used; null on a miss. */
  get(key: string): string | null;
  /** Stores the archive `write` produces at the temporary path it is given; returns the entry's path. */
  put(key: string, write: (tmpPath: string) => Promise<void>): Promise<string>;
}

const KEY = /^[0-9a-f]{64}$/;

export function diskDependencyCache(options: { dir: string; maxBytes: number }): DependencyCache {
  mkdirSync(options.dir, { recursive: true });
  const pathOf = (key: string) => {
    if (!KEY.test(key)) throw new Error(`dependency cache key ${JSON.stringify(key)} is not a sha256`);
    return join(options.dir, `${key}.tar`);
  };

  function evict(keep: string): void {
    const entries = readdirSync(options.dir)
      .filter((name) => name.endsWith(".tar"))
      .flatMap((name) => {
        const path = join(options.dir, name);
        try {
          const s = statSync(path);
          return [{ path, size: s.size, used: s.mtimeMs }];
        } catch {
          return []; // evicted by another replica meanwhile
        }
      })
      .sort((a, b) => a.used - b.used);
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    for (const entry of entries) {
      if (total <= options.maxBytes) break;
      if (entry.path === keep) continue;
      rmSync(entry.path, { force: true });
      total -= entry.size;
    }
  }

  return {
    get(key) {
      const path = pathOf(key);
      try {
        const now = new Date();
        utimesSync(path, now, now);
        return path;
      } catch {
        return null;
      }
    },
    async put(key, write) {
      const path = pathOf(key);
      const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
      try {
        await write(tmp);
        renameSync(tmp, path);
      } finally {
        rmSync(tmp, { force: true });
      }
      evict(path);
      return path;
    },
  };
}
