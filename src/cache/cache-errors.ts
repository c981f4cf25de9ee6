import { WaveError } from "../errors.js";

/** An entry's writer produced more bytes than the whole cache may hold, so it was not kept. */
export class CacheEntryTooLarge extends WaveError {
  constructor(
    readonly bytes: number,
    readonly maxBytes: number,
    readonly dir: string,
  ) {
    super(`A cache entry of ${bytes} bytes does not fit in the cache at ${dir}, which holds at most ${maxBytes} bytes.`, {
      hint: "Raise the cache's size limit (WAVE_CACHE_MAX_MB) or lower the size cap of what is cached.",
    });
  }
}
