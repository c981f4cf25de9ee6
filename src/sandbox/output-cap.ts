/**
 * Keeps the first `limit` bytes of a stream and counts the rest, so a command that prints
 * gigabytes costs the app `limit` bytes of memory and the reader still sees how much was cut.
 */
export class OutputCap {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room >= chunk.length) {
      this.chunks.push(chunk);
      this.kept += chunk.length;
      return;
    }
    if (room > 0) {
      this.chunks.push(chunk.subarray(0, room));
      this.kept += room;
    }
    this.dropped += chunk.length - Math.max(room, 0);
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  get droppedBytes(): number {
    return this.dropped;
  }

  /** The kept bytes, exactly. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
  }

  /** The kept bytes as UTF-8, followed by `…[truncated N bytes]` when anything was dropped. */
  text(): string {
    const body = this.bytes().toString("utf8");
    return this.dropped > 0 ? `${body}${truncationMarker(this.dropped)}` : body;
  }
}

/** The visible marker appended to cut output. */
export function truncationMarker(droppedBytes: number): string {
  return `\n…[truncated ${droppedBytes} bytes]`;
}
