import { createHash } from "node:crypto";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diskDependencyCache } from "../../src/sandbox/setup/dependency-cache.js";
import { tempDir } from "./harness.js";

const key = (n: number) => createHash("sha256").update(String(n)).digest("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the dependency cache", () => {
  it("misses, stores, hits; a second cache on the same directory (another replica) sees the entry", async () => {
    const dir = tempDir("depcache");
    const cache = diskDependencyCache({ dir, maxBytes: 1024 * 1024 });
    expect(cache.get(key(1))).toBeNull();
    const path = await cache.put(key(1), async (tmp) => writeFileSync(tmp, "deps"));
    expect(cache.get(key(1))).toBe(path);
    expect(diskDependencyCache({ dir, maxBytes: 1024 * 1024 }).get(key(1))).toBe(path);
  });

  it("keeps nothing of a failed write", async () => {
    const dir = tempDir("depcache");
    const cache = diskDependencyCache({ dir, maxBytes: 1024 * 1024 });
    await expect(
      cache.put(key(2), async (tmp) => {
        writeFileSync(tmp, "half");
        throw new Error("setup failed");
      }),
    ).rejects.toThrow("setup failed");
    expect(readdirSync(dir)).toEqual([]);
    expect(cache.get(key(2))).toBeNull();
  });

  it("stays under its size by evicting the least recently used entries, never the one just stored", async () => {
    const dir = tempDir("depcache");
    const cache = diskDependencyCache({ dir, maxBytes: 2500 });
    const kb = Buffer.alloc(1000, 1);
    await cache.put(key(1), async (tmp) => writeFileSync(tmp, kb));
    await sleep(20);
    await cache.put(key(2), async (tmp) => writeFileSync(tmp, kb));
    await sleep(20);
    expect(cache.get(key(1))).not.toBeNull(); // used again: now the newest
    await sleep(20);
    await cache.put(key(3), async (tmp) => writeFileSync(tmp, kb));
    expect(cache.get(key(2))).toBeNull();
    expect(cache.get(key(1))).not.toBeNull();
    expect(cache.get(key(3))).not.toBeNull();
    const big = await cache.put(key(4), async (tmp) => writeFileSync(tmp, Buffer.alloc(5000, 2)));
    expect(existsSync(big)).toBe(true);
    expect(readdirSync(dir)).toEqual([`${key(4)}.tar`]);
  });

  it("refuses a key that is not a sha256, so no path can be built from one", () => {
    const cache = diskDependencyCache({ dir: tempDir("depcache"), maxBytes: 1 });
    expect(() => cache.get("../../etc/passwd")).toThrow(/not a sha256/);
  });
});
