// One of the processes racing on a shared cache directory: puts, opens and evicts entries whose
// content names their key and length, so the parent can check no entry ever holds another key's
// bytes or a partial write.
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout } from "node:timers/promises";
import { diskCache } from "../../../src/cache/index.js";
import { checkEntry, entryContent } from "./entry-content.js";

const [dir, maxBytes, rounds, seed] = process.argv.slice(2);
const cache = diskCache({ dir: dir!, maxBytes: Number(maxBytes) });

let state = Number(seed);
// A seeded LCG; its low bits cycle with a short period, so draws use the high ones.
const next = () => {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state >>> 15;
};

for (let i = 0; i < Number(rounds); i++) {
  const key = `key-${next() % 4}`;
  const bytes = 1000 + (next() % 4000);
  // Two chunks with a pause between, so a reader racing the writer would see half an entry if
  // writes were not renamed into place whole.
  const content = entryContent(key, bytes);
  const chunks = async function* () {
    yield content.subarray(0, 500);
    await setTimeout(3);
    yield content.subarray(500);
  };
  const write = (tmp: string) => pipeline(Readable.from(chunks()), createWriteStream(tmp));
  const op = next() % 4;
  if (op === 0) await cache.put(key, write);
  else if (op === 1) await cache.evict();
  else {
    const stream = op === 2 ? (await cache.openOrPut(key, write)).stream : await cache.open(key);
    if (stream) {
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      checkEntry(key, Buffer.concat(chunks));
    }
  }
}
