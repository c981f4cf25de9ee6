import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CacheEntryTooLarge, diskCache, entryName } from "../../src/cache/index.js";
import { checkEntry, entryContent } from "./support/entry-content.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "wave-cache-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const writeBytes = (content: Buffer | string) => (tmp: string) => writeFile(tmp, content);
const read = async (stream: NodeJS.ReadableStream | null) => {
  if (!stream) return null;
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
};
const entries = () => readdirSync(join(dir, "entries")).sort();
/** Sets an entry's last use `ageMs` in the past, so eviction order does not hang on clock resolution. */
const age = (key: string, ageMs: number) => {
  const t = new Date(Date.now() - ageMs);
  utimesSync(join(dir, "entries", entryName(key)), t, t);
};

describe("disk cache", () => {
  it("stores an entry under the hash of its key and gives it back, and misses on absent keys", async () => {
    const cache = diskCache({ dir, maxBytes: 1000 });
    expect(await cache.get("a")).toBeNull();
    expect(await cache.open("a")).toBeNull();
    const path = await cache.put("acme/app@123", writeBytes("tarball bytes"));
    expect(path).toBe(join(dir, "entries", entryName("acme/app@123")));
    expect(entryName("acme/app@123")).toMatch(/^[0-9a-f]{64}$/);
    expect(await cache.get("acme/app@123")).toBe(path);
    expect(await read(await cache.open("acme/app@123"))).toBe("tarball bytes");
    expect(await cache.size()).toBe("tarball bytes".length);
  });

  it("never shares an entry between keys, however alike they look", async () => {
    const cache = diskCache({ dir, maxBytes: 10_000 });
    const keys = ["a/b", "a_b", "a-b", "A/B", "a/b ", "../a/b", "deps:npm:1", "deps:npm:1\n"];
    for (const key of keys) await cache.put(key, writeBytes(`content of ${JSON.stringify(key)}`));
    expect(entries()).toHaveLength(keys.length);
    for (const key of keys) expect(await read(await cache.open(key))).toBe(`content of ${JSON.stringify(key)}`);
  });

  it("replaces an entry put again under the same key", async () => {
    const cache = diskCache({ dir, maxBytes: 1000 });
    await cache.put("k", writeBytes("old"));
    await cache.put("k", writeBytes("new"));
    expect(await read(await cache.open("k"))).toBe("new");
    expect(entries()).toHaveLength(1);
  });

  it("evicts the least recently used entries first, counting a read as a use, until the total fits", async () => {
    const cache = diskCache({ dir, maxBytes: 300 });
    for (const key of ["a", "b", "c"]) await cache.put(key, writeBytes(Buffer.alloc(100, key)));
    age("a", 30_000);
    age("b", 20_000);
    age("c", 10_000);
    expect(await cache.get("a")).not.toBeNull(); // a is now the most recently used
    await cache.put("d", writeBytes(Buffer.alloc(150, "d"))); // 450 bytes: b (100) and c (100) must go
    expect(await cache.get("b")).toBeNull();
    expect(await cache.get("c")).toBeNull();
    expect(await read(await cache.open("a"))).toBe("a".repeat(100));
    expect(await read(await cache.open("d"))).toBe("d".repeat(150));
    expect(await cache.size()).toBe(250);
  });

  it("keeps the entry just written even when it is the only one that fits, and evict() enforces a lower limit", async () => {
    await diskCache({ dir, maxBytes: 300 }).put("old", writeBytes(Buffer.alloc(200)));
    age("old", 1000);
    const small = diskCache({ dir, maxBytes: 250 });
    await small.put("new", writeBytes(Buffer.alloc(250)));
    expect(entries()).toEqual([entryName("new")]);
    expect(await diskCache({ dir, maxBytes: 100 }).evict()).toEqual({ removed: 1, bytes: 250 });
    expect(await small.size()).toBe(0);
  });

  it("refuses an entry larger than the whole cache with a message naming both sizes, and keeps nothing of it", async () => {
    const cache = diskCache({ dir, maxBytes: 100 });
    await cache.put("kept", writeBytes(Buffer.alloc(50)));
    const err = await cache.put("huge", writeBytes(Buffer.alloc(101))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheEntryTooLarge);
    expect((err as Error).message).toContain("101 bytes");
    expect((err as Error).message).toContain("at most 100 bytes");
    expect(await cache.get("huge")).toBeNull();
    expect(await cache.get("kept")).not.toBeNull();
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("keeps nothing when the writer fails, and the old entry stays", async () => {
    const cache = diskCache({ dir, maxBytes: 100 });
    await cache.put("k", writeBytes("good"));
    const failing = async (tmp: string) => {
      await writeFile(tmp, "half");
      throw new Error("connection reset");
    };
    await expect(cache.put("k", failing)).rejects.toThrow("connection reset");
    await expect(cache.openOrPut("other", failing)).rejects.toThrow("connection reset");
    expect(await read(await cache.open("k"))).toBe("good");
    expect(await cache.get("other")).toBeNull();
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });

  it("lets a reader that opened an entry read all of it after the entry is evicted", async () => {
    const content = Buffer.alloc(1_000_000, "x");
    const cache = diskCache({ dir, maxBytes: 2_000_000 });
    await cache.put("big", writeBytes(content));
    const stream = await cache.open("big");
    const { stream: written } = await cache.openOrPut("fresh", writeBytes(content));
    expect(await diskCache({ dir, maxBytes: 0 }).evict()).toEqual({ removed: 2, bytes: 2_000_000 });
    expect(entries()).toEqual([]);
    expect((await read(stream))?.length).toBe(content.length);
    expect((await read(written))?.length).toBe(content.length);
  });

  it("writes once for concurrent openOrPut calls in one process, and reports hits", async () => {
    const cache = diskCache({ dir, maxBytes: 1000 });
    let writes = 0;
    const write = async (tmp: string) => {
      writes += 1;
      await writeFile(tmp, "once");
    };
    const results = await Promise.all([1, 2, 3, 4].map(() => cache.openOrPut("k", write)));
    expect(writes).toBe(1);
    expect(results.filter((r) => !r.hit)).toHaveLength(1);
    for (const r of results) expect(await read(r.stream)).toBe("once");
    expect((await cache.openOrPut("k", write)).hit).toBe(true);
    expect(writes).toBe(1);
  });

  it("removes temporary files abandoned by a dead writer, and leaves a live writer's alone", async () => {
    const cache = diskCache({ dir, maxBytes: 1000, staleTemporaryMs: 60_000 });
    await cache.put("k", writeBytes("x"));
    writeFileSync(join(dir, "tmp", "abandoned"), "partial");
    const old = new Date(Date.now() - 120_000);
    utimesSync(join(dir, "tmp", "abandoned"), old, old);
    writeFileSync(join(dir, "tmp", "in-progress"), "partial");
    await cache.evict();
    expect(readdirSync(join(dir, "tmp"))).toEqual(["in-progress"]);
    expect(await cache.get("k")).not.toBeNull();
  });

  it("stays consistent with processes racing on one directory: whole entries of their own key, within the limit", async () => {
    const maxBytes = 8_000;
    const run = (seed: number) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", join(import.meta.dirname, "support", "race-cache.ts"), dir, String(maxBytes), "600", String(seed)],
          {
            stdio: ["ignore", "ignore", "pipe"],
          },
        );
        let stderr = "";
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("close", (code) => resolve({ code, stderr }));
      });
    const results = await Promise.all([1, 2, 3].map(run));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const cache = diskCache({ dir, maxBytes });
    expect(await cache.size()).toBeLessThanOrEqual(maxBytes);
    expect(entries().length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
    const names = new Map(Array.from({ length: 4 }, (_, i) => [entryName(`key-${i}`), `key-${i}`]));
    for (const name of entries()) {
      const key = names.get(name);
      expect(key, `unexpected entry ${name}`).toBeDefined();
      checkEntry(key!, readFileSync(join(dir, "entries", name)));
      expect(statSync(join(dir, "entries", name)).size).toBeLessThan(5000);
    }
    expect(() => checkEntry("key-1", entryContent("key-10", 1200))).toThrow(/not a whole entry/);
  });
});
