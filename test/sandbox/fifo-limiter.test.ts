import { describe, expect, it } from "vitest";
import { FifoLimiter } from "../../src/sandbox/fifo-limiter.js";

describe("FifoLimiter", () => {
  it("lets `capacity` holders in at once and queues the rest in arrival order", async () => {
    const limiter = new FifoLimiter(2);
    const order: string[] = [];
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const c = limiter.acquire().then((r) => (order.push("c"), r));
    const d = limiter.acquire().then((r) => (order.push("d"), r));
    await Promise.resolve();
    expect(limiter.running).toBe(2);
    expect(limiter.queued).toBe(2);
    expect(order).toEqual([]);
    b();
    const releaseC = await c;
    expect(order).toEqual(["c"]);
    a();
    const releaseD = await d;
    expect(order).toEqual(["c", "d"]);
    releaseC();
    releaseD();
    expect(limiter.running).toBe(0);
  });

  it("ignores a second release of the same slot", async () => {
    const limiter = new FifoLimiter(1);
    const release = await limiter.acquire();
    release();
    release();
    expect(limiter.running).toBe(0);
    const again = await limiter.acquire();
    expect(limiter.running).toBe(1);
    again();
  });

  it("does not let a newcomer jump the queue when a slot frees", async () => {
    const limiter = new FifoLimiter(1);
    const first = await limiter.acquire();
    const waiting = limiter.acquire();
    first();
    // The freed slot went to the waiter, so a new arrival waits.
    let late = false;
    const newcomer = limiter.acquire().then((r) => ((late = true), r));
    const w = await waiting;
    await Promise.resolve();
    expect(late).toBe(false);
    w();
    (await newcomer)();
    expect(late).toBe(true);
  });

  it("removes an aborted waiter from the queue", async () => {
    const limiter = new FifoLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const aborted = limiter.acquire(controller.signal);
    controller.abort(new Error("job cancelled"));
    await expect(aborted).rejects.toThrow("job cancelled");
    expect(limiter.queued).toBe(0);
    held();
    expect(limiter.running).toBe(0);
  });

  it("refuses a capacity below one", () => {
    expect(() => new FifoLimiter(0)).toThrow(RangeError);
  });
});
