/**
 * A small in-memory cache whose entries expire, so a role removed on GitHub
 * stops counting within the TTL. Bounded: the oldest entries go first.
 */
export interface TtlCache<V> {
  /** The value stored under `key` if it is younger than `ttlMs`. */
  get(key: string, ttlMs: number): V | undefined;
  set(key: string, value: V): void;
  clear(): void;
  readonly size: number;
}

export function createTtlCache<V>(options: { maxEntries?: number; now?: () => number } = {}): TtlCache<V> {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: V; at: number }>();
  return {
    get(key, ttlMs) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() - entry.at >= ttlMs) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, at: now() });
      // Maps keep insertion order, so the first key is the oldest.
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
