import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextSlot, type PaceWindow } from "../../src/onboarding/content-pacer.js";

/** The most requests any window of `w` holds in a sorted schedule. */
function busiest(times: number[], w: PaceWindow): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[j] ?? Infinity) <= (times[i] ?? 0) - w.windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("nextSlot", () => {
  it("never plans more than a window's max in any window, and never earlier than asked", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(5_000), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 10, max: 1_000 }),
        fc.integer({ min: 2, max: 5 }),
        (gaps, perShort, shortMs, longFactor) => {
          const windows = [
            { max: perShort, windowMs: shortMs },
            { max: perShort * 3, windowMs: shortMs * longFactor * 2 },
          ];
          const planned: number[] = [];
          let clock = 0;
          for (const gap of gaps) {
            clock += gap % 50;
            const at = nextSlot(planned, windows, clock);
            expect(at).toBeGreaterThanOrEqual(clock);
            expect(at).toBeGreaterThanOrEqual(planned[planned.length - 1] ?? 0);
            planned.push(at);
          }
          for (const w of windows) expect(busiest(planned, w)).toBeLessThanOrEqual(w.max);
        },
      ),
      { numRuns: 200, seed: Number(process.env.FC_SEED ?? 20261201) },
    );
  });

  it("sends at once while there is room, then exactly when the oldest request leaves the window", () => {
    const w = [{ max: 2, windowMs: 100 }];
    expect(nextSlot([], w, 5)).toBe(5);
    expect(nextSlot([5], w, 6)).toBe(6);
    expect(nextSlot([5, 6], w, 7)).toBe(105);
    expect(nextSlot([5, 6, 105], w, 107)).toBe(107);
  });
});
