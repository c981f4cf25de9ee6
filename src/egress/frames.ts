/**
 * The framing of the stdio channel between the sandbox's forwarder and the app's egress bridge:
 * many TCP connections over one byte stream. A frame is type (1 byte), connection id (4 bytes,
 * big-endian), payload length (4 bytes), payload.
 */
export const FRAME = { open: 0, data: 1, end: 2, close: 3 } as const;
export type FrameType = (typeof FRAME)[keyof typeof FRAME];
export const FRAME_HEADER = 9;
/** Larger frames are refused: a forwarder never sends them, so one would mean a corrupt stream. */
export const MAX_FRAME_PAYLOAD = 1024 * 1024;

export function encodeFrame(type: FrameType, id: number, payload?: Buffer): Buffer {
  const header = Buffer.alloc(FRAME_HEADER);
  header[0] = type;
  header.writeUInt32BE(id, 1);
  header.writeUInt32BE(payload?.length ?? 0, 5);
  return payload && payload.length > 0 ? Buffer.concat([header, payload]) : header;
}

/** Splits a byte stream into frames, however the chunks fall. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: number, id: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= FRAME_HEADER) {
      const length = this.pending.readUInt32BE(5);
      if (length > MAX_FRAME_PAYLOAD)
        throw new Error(`egress channel: a frame of ${length} bytes is larger than ${MAX_FRAME_PAYLOAD}; the stream is corrupt`);
      if (this.pending.length < FRAME_HEADER + length) return;
      const type = this.pending[0] ?? -1;
      const id = this.pending.readUInt32BE(1);
      const payload = this.pending.subarray(FRAME_HEADER, FRAME_HEADER + length);
      this.pending = this.pending.subarray(FRAME_HEADER + length);
      this.onFrame(type, id, payload);
    }
  }
}
