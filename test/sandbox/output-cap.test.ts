import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OutputCap, truncationMarker } from "../../src/sandbox/output-cap.js";

describe("OutputCap", () => {
  it("keeps everything under the limit, with no marker", () => {
    const cap = new OutputCap(10);
    cap.push(Buffer.from("abc"));
    cap.push(Buffer.from("def"));
    expect(cap.text()).toBe("abcdef");
    expect(cap.truncated).toBe(false);
  });

  it("cuts at the limit inside a chunk and counts the dropped bytes in the marker", () => {
    const cap = new OutputCap(4);
    cap.push(Buffer.from("abc"));
    cap.push(Buffer.from("defgh"));
    cap.push(Buffer.from("ij"));
    expect(cap.bytes().toString()).toBe("abcd");
    expect(cap.droppedBytes).toBe(6);
    expect(cap.text()).toBe(`abcd${truncationMarker(6)}`);
    expect(cap.text()).toContain("…[truncated 6 bytes]");
  });

  it("keeps exactly min(limit, total) bytes and drops the rest, for any chunking", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 50 }), { maxLength: 20 }), fc.integer({ min: 0, max: 300 }), (chunks, limit) => {
        const cap = new OutputCap(limit);
        for (const c of chunks) cap.push(Buffer.from(c));
        const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
        expect(cap.bytes().equals(all.subarray(0, limit))).toBe(true);
        expect(cap.droppedBytes).toBe(Math.max(0, all.length - limit));
        expect(cap.truncated).toBe(all.length > limit);
      }),
    );
  });
});
