export { diskCache, type DiskCache, type DiskCacheOptions, type EntryWriter } from "./disk-cache.js";
export { CacheEntryTooLarge } from "./cache-errors.js";
export { entryName } from "./entry-name.js";
