import { describe, expect, it } from "vitest";
import { SandboxTimeout, SandboxUnavailable } from "../../src/errors.js";
import { reapSandboxes, startReaper } from "../../src/sandbox/reaper.js";
import type { ReapResult } from "../../src/sandbox/reaper.js";
import { emptyTarball, testRunner } from "./harness.js";

describe("sandbox lifecycle", () => {
  it("labels each container with instance, story, job and deadline", async () => {
    const runner = testRunner({ instance: `labels-${process.pid}` });
    const before = Date.now();
    const ws = await runner.createWorkspace(
      { storyId: "story-7", jobId: `job-labels-${process.pid}`, deadlineMs: 600_000 },
      emptyTarball(),
    );
    try {
      const info = await runner.docker.getContainer(ws.id).inspect();
      expect(info.Config.Labels).toMatchObject({
        "wave.instance": `labels-${process.pid}`,
        "wave.story": "story-7",
        "wave.job": `job-labels-${process.pid}`,
      });
      const deadline = Number(info.Config.Labels["wave.deadline"]);
      expect(deadline).toBeGreaterThanOrEqual(before + 600_000);
      expect(deadline).toBeLessThan(Date.now() + 600_000 + 1000);
      expect(info.HostConfig.Runtime).toBe("runsc");
    } finally {
      await ws.destroy();
    }
    await expect(runner.docker.getContainer(ws.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reaps containers whose job is gone or whose deadline passed, and keeps the rest", async () => {
    const instance = `reaper-${process.pid}`;
    const runner = testRunner({ instance });
    const alive = await runner.createWorkspace({ storyId: "s", jobId: "job-alive" }, emptyTarball());
    const gone = await runner.createWorkspace({ storyId: "s", jobId: "job-gone" }, emptyTarball());
    try {
      expect(runner.limiter.running).toBe(2);
      const asked: string[] = [];
      const result = await reapSandboxes(runner.docker, {
        instance,
        isJobAlive: async (jobId) => {
          asked.push(jobId);
          return jobId === "job-alive";
        },
      });
      expect(asked.sort()).toEqual(["job-alive", "job-gone"]);
      expect(result.kept).toBe(1);
      expect(result.removed).toEqual([{ id: gone.id, jobId: "job-gone", reason: "job-gone" }]);
      // The reaped workspace says so, and its concurrency slot is free again.
      await expect(gone.exec(["true"])).rejects.toThrow(SandboxUnavailable);
      await expect(gone.exec(["true"])).rejects.toThrow(/removed by the reaper/);
      expect(runner.limiter.running).toBe(1);
      expect((await alive.exec(["echo", "still here"])).stdout).toBe("still here\n");

      const later = await reapSandboxes(runner.docker, { instance, isJobAlive: async () => true, now: () => Date.now() + 24 * 3600_000 });
      expect(later.removed).toEqual([{ id: alive.id, jobId: "job-alive", reason: "deadline" }]);
    } finally {
      await alive.destroy();
      await gone.destroy();
    }
    expect(runner.limiter.running).toBe(0);
  });

  it("reaps only its own deployment's sandboxes when several deployments share a Docker host", async () => {
    const ours = testRunner({ instance: `dep-a-${process.pid}`, deployment: `dep-a-${process.pid}` });
    const theirs = testRunner({ instance: `dep-b-${process.pid}`, deployment: `dep-b-${process.pid}` });
    const mine = await ours.createWorkspace({ storyId: "s", jobId: "job-x" }, emptyTarball());
    const other = await theirs.createWorkspace({ storyId: "s", jobId: "job-x" }, emptyTarball());
    try {
      // Our queue knows no job at all; still, the other deployment's sandbox is not ours to judge.
      const result = await reapSandboxes(ours.docker, { deployment: `dep-a-${process.pid}`, isJobAlive: async () => false });
      expect(result.removed.map((r) => r.id)).toEqual([mine.id]);
      expect((await other.exec(["echo", "untouched"])).stdout).toBe("untouched\n");
    } finally {
      await mine.destroy();
      await other.destroy();
    }
  });

  it("runs the reaper at start and on a period until stopped", async () => {
    const instance = `reaper-loop-${process.pid}`;
    const runner = testRunner({ instance });
    const ws = await runner.createWorkspace({ storyId: "s", jobId: "job-loop" }, emptyTarball());
    const results: ReapResult[] = [];
    const stop = startReaper(runner.docker, {
      instance,
      intervalSeconds: 1,
      isJobAlive: async () => false,
      onResult: (r) => results.push(r),
    });
    try {
      await expect.poll(() => results.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(results[0]?.removed.map((r) => r.jobId)).toEqual(["job-loop"]);
    } finally {
      stop();
      await ws.destroy();
    }
  });

  it("queues a workspace beyond the per-host limit until a slot frees", async () => {
    const runner = testRunner({ instance: `queue-${process.pid}`, policy: { maxConcurrent: 1 } });
    const first = await runner.createWorkspace({ storyId: "s", jobId: "q1" }, emptyTarball());
    let secondReady = false;
    const second = runner.createWorkspace({ storyId: "s", jobId: "q2" }, emptyTarball()).then((ws) => {
      secondReady = true;
      return ws;
    });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      expect(secondReady).toBe(false);
      expect(runner.limiter.queued).toBe(1);
      const running = await runner.docker.listContainers({ filters: { label: [`wave.instance=queue-${process.pid}`] } });
      expect(running).toHaveLength(1);
      await first.destroy();
      const ws2 = await second;
      expect((await ws2.exec(["echo", "second"])).stdout).toBe("second\n");
      await ws2.destroy();
    } finally {
      await first.destroy();
      await second.then((ws) => ws.destroy()).catch(() => undefined);
    }
  });

  it("kills the container at the job deadline and says so", async () => {
    const runner = testRunner({ instance: `deadline-${process.pid}` });
    const ws = await runner.createWorkspace({ storyId: "s", jobId: "job-deadline", deadlineMs: 3000 }, emptyTarball());
    try {
      const started = performance.now();
      await expect(ws.exec(["sleep", "60"], { timeoutMs: 120_000 })).rejects.toThrow(SandboxTimeout);
      expect(performance.now() - started).toBeLessThan(15_000);
      await expect(ws.exec(["true"])).rejects.toThrow(/passed its job deadline/);
      expect(runner.limiter.running).toBe(0);
    } finally {
      await ws.destroy();
    }
  });
});
