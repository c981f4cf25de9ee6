import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "../../src/sandbox/runner.js";
import { emptyTarball, testRunner } from "./harness.js";

/**
 * Images built on other recipes may lack the wave-exec launcher; the Runner then starts
 * commands through a shell wrapper with the same guarantees. Checked on an image with the
 * launcher removed.
 */
describe("commands without the wave-exec launcher", () => {
  const runner = testRunner();
  const image = `wave-runner-test:no-launcher-${process.pid}`;
  let ws: Workspace;

  beforeAll(async () => {
    const builder = await runner.docker.createContainer({
      Image: runner.policy.image,
      User: "0:0",
      Cmd: ["rm", "/usr/local/bin/wave-exec"],
      HostConfig: { Runtime: "runc", NetworkMode: "none" },
    });
    await builder.start();
    await builder.wait();
    const [repo, tag] = image.split(":");
    await builder.commit({ repo, tag });
    await builder.remove({ force: true });
    ws = await testRunner({ policy: { image } }).createWorkspace({ storyId: "launcher", jobId: `launcher-${process.pid}` }, emptyTarball());
  });

  afterAll(async () => {
    await ws?.destroy();
    await runner.docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined);
  });

  it("runs with stdin, env and cwd, and reports 127 for a missing binary", async () => {
    expect((await ws.exec(["sh", "-c", "command -v wave-exec || echo none"])).stdout).toBe("none\n");
    await ws.writeFile("d/x.txt", "x");
    const r = await ws.exec(["sh", "-c", 'printf "%s %s " "$A" "$(pwd)"; cat'], { stdin: "in", env: { A: "a" }, cwd: "d" });
    expect(r.stdout).toBe("a /workspace/d in");
    expect((await ws.exec(["no-such-binary"])).exitCode).toBe(127);
  });

  it("kills the whole process group at the timeout, and leaves nothing running after a command", async () => {
    const r = await ws.exec(["sh", "-c", "(trap '' HUP TERM; exec sleep 311) & sleep 310"], { timeoutMs: 1000 });
    expect(r).toMatchObject({ timedOut: true, exitCode: 124 });
    await ws.exec(["sh", "-c", "sleep 312 &"]);
    const ps = await ws.exec(["ps", "-e", "-o", "args="]);
    expect(ps.stdout).not.toMatch(/sleep 31[0-2]/);
  });
});
