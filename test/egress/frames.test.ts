import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FRAME, FrameReader, MAX_FRAME_PAYLOAD, encodeFrame } from "../../src/egress/frames.js";

describe("the egress channel's frames", () => {
  it("come out as they went in, however the stream is cut into chunks", () => {
    const frameArb = fc.record({
      type: fc.constantFrom(FRAME.open, FRAME.data, FRAME.end, FRAME.close),
      id: fc.nat({ max: 2 ** 32 - 1 }),
      payload: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (frames, cuts) => {
        const bytes = Buffer.concat(frames.map((f) => encodeFrame(f.type, f.id, Buffer.from(f.payload))));
        const got: { type: number; id: number; payload: number[] }[] = [];
        const reader = new FrameReader((type, id, payload) => got.push({ type, id, payload: [...payload] }));
        let at = 0;
        for (let i = 0; at < bytes.length; i++) {
          const n = cuts[i % cuts.length] ?? 1;
          reader.push(bytes.subarray(at, at + n));
          at += n;
        }
        expect(got).toEqual(frames.map((f) => ({ type: f.type, id: f.id, payload: [...f.payload] })));
      }),
    );
  });

  it("refuses a frame longer than any forwarder sends", () => {
    const header = encodeFrame(FRAME.data, 1);
    header.writeUInt32BE(MAX_FRAME_PAYLOAD + 1, 5);
    expect(() => new FrameReader(() => undefined).push(header)).toThrow(/corrupt/);
  });
});
