/** Bytes for a test entry: a header naming the key and the length, then filler derived from the key. */
export function entryContent(key: string, bytes: number): Buffer {
  const header = Buffer.from(`${key}|${bytes}|`);
  return Buffer.concat([header, Buffer.alloc(bytes - header.length, key)]);
}

/** Throws unless `got` is exactly an entry written for `key`. */
export function checkEntry(key: string, got: Buffer): void {
  const [name, length] = got.toString("latin1").split("|");
  if (name !== key || !entryContent(key, Number(length)).equals(got)) {
    throw new Error(`entry ${key} held ${got.length} bytes that are not a whole entry of its own (header ${name}|${length})`);
  }
}
