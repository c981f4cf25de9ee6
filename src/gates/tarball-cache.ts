import { join } from "node:path";
import { diskCache, type DiskCache } from "../cache/index.js";

/** Default bound of the host's disk cache (base tarballs and installed dependencies together). */
export const DEFAULT_CACHE_MAX_MB = 8192;

const caches = new Map<string, DiskCache>();

/** `WAVE_CACHE_MAX_MB`: the most the host's disk cache may hold, in MiB. */
export function cacheMaxBytes(env: NodeJS.ProcessEnv): number {
  const raw = env.WAVE_CACHE_MAX_MB?.trim();
  if (!raw) return DEFAULT_CACHE_MAX_MB * 1_048_576;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`WAVE_CACHE_MAX_MB must be a whole number of MiB (at least 1), not ${JSON.stringify(raw)}.`);
  return Number(raw) * 1_048_576;
}

/**
 * The cache of base tarballs under `cacheDir`, one per directory in this process so concurrent
 * gates of one story download a commit once; other replicas on the host share the directory.
 */
export function tarballCache(cacheDir: string, env: NodeJS.ProcessEnv): DiskCache {
  const maxBytes = cacheMaxBytes(env);
  const id = `${cacheDir}\0${maxBytes}`;
  let cache = caches.get(id);
  if (!cache) caches.set(id, (cache = diskCache({ dir: join(cacheDir, "tarballs"), maxBytes })));
  return cache;
}
