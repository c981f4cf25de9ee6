import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxUnavailable, WaveError, userMessage } from "../../src/errors.js";
import { checkSandboxReady, assertSandboxReady } from "../../src/sandbox/readiness.js";
import { createDockerClient } from "../../src/sandbox/docker-client.js";
import type { Workspace } from "../../src/sandbox/runner.js";
import { emptyTarball, testRunner } from "./harness.js";
import { Readable } from "node:stream";

const job = (name: string) => ({ storyId: "bad-input", jobId: `${name}-${process.pid}` });

describe("when the sandbox cannot run", () => {
  it("names the setup command when Docker does not answer (DOCKER_HOST at a missing socket)", async () => {
    const docker = createDockerClient({ DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    const runner = testRunner({ docker });
    const error = await runner.createWorkspace(job("no-docker"), emptyTarball()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxUnavailable);
    expect(userMessage(error)).toMatch(/Docker does not answer at unix:\/\/\/nonexistent\/docker\.sock/);
    expect(userMessage(error)).toContain("npm run setup:docker");
    expect(runner.limiter.running).toBe(0);

    const readiness = await checkSandboxReady(docker, runner.policy);
    expect(readiness.ok).toBe(false);
    expect(readiness.problems).toEqual([expect.objectContaining({ check: "docker", fix: "npm run setup:docker" })]);
    await expect(assertSandboxReady(docker, runner.policy)).rejects.toThrow(SandboxUnavailable);
  });

  it("names the setup command when the runtime is not registered", async () => {
    const runner = testRunner({ policy: { runtime: "wave-bogus-runtime" } });
    const error = await runner.createWorkspace(job("no-runtime"), emptyTarball()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxUnavailable);
    expect(userMessage(error)).toMatch(/runtime "wave-bogus-runtime" is not registered/);
    expect(userMessage(error)).toContain("npm run setup:docker");
    const readiness = await checkSandboxReady(runner.docker, runner.policy);
    expect(readiness.problems).toEqual([expect.objectContaining({ check: "runtime", fix: "npm run setup:docker" })]);
    // Nothing left behind by the failed start.
    const leftovers = await runner.docker.listContainers({ all: true, filters: { label: [`wave.job=no-runtime-${process.pid}`] } });
    expect(leftovers).toEqual([]);
  });

  it("names the build command when the image is missing", async () => {
    const runner = testRunner({ policy: { image: "wave-runner-missing:nope" } });
    const error = await runner.createWorkspace(job("no-image"), emptyTarball()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SandboxUnavailable);
    expect(userMessage(error)).toMatch(/image wave-runner-missing:nope is missing/);
    expect(userMessage(error)).toContain("npm run build:image");
    const readiness = await checkSandboxReady(runner.docker, runner.policy);
    expect(readiness.problems).toEqual([expect.objectContaining({ check: "image", fix: "npm run build:image" })]);
    const boot = await assertSandboxReady(runner.docker, runner.policy).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(boot).toBeInstanceOf(SandboxUnavailable);
    expect(userMessage(boot)).toMatch(/image wave-runner-missing:nope is missing\. Run: npm run build:image$/);
  });

  it("runs the image the workspace spec names (a repository's sandbox.image), not the policy's", async () => {
    const real = testRunner().policy.image;
    const missing = testRunner({ policy: { image: "wave-runner-missing:nope" } });
    const ws = await missing.createWorkspace({ ...job("spec-image"), image: real }, emptyTarball());
    try {
      expect((await ws.exec(["true"])).exitCode).toBe(0);
    } finally {
      await ws.destroy();
    }
    const error = await testRunner()
      .createWorkspace({ ...job("spec-image-missing"), image: "wave-runner-variant-missing:nope" }, emptyTarball())
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(userMessage(error)).toMatch(/image wave-runner-variant-missing:nope is missing/);
  });

  it("reports the real setup as ready, with the image's version label", async () => {
    const runner = testRunner();
    const readiness = await checkSandboxReady(runner.docker, runner.policy);
    expect(readiness).toEqual({ ok: true, problems: [], imageVersion: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  it("refuses a stream that is not a tarball, with a clear error and no container left", async () => {
    const runner = testRunner();
    const error = await runner
      .createWorkspace(job("not-tar"), Readable.from([Buffer.from("this is not a tarball at all\n".repeat(40))]))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(WaveError);
    expect(userMessage(error)).toMatch(/Cannot unpack the repository/);
    const leftovers = await new Docker().listContainers({ all: true, filters: { label: [`wave.job=not-tar-${process.pid}`] } });
    expect(leftovers).toEqual([]);
    expect(runner.limiter.running).toBe(0);
  });
});

describe("bad commands are results, not exceptions", () => {
  const runner = testRunner();
  let ws: Workspace;

  beforeAll(async () => {
    ws = await runner.createWorkspace(job("bad-commands"), emptyTarball());
  });
  afterAll(async () => {
    await ws?.destroy();
  });

  it("reports exit code 127 for a missing binary", async () => {
    const r = await ws.exec(["definitely-not-installed", "--flag"]);
    expect(r.exitCode).toBe(127);
    expect(r.stderr).toMatch(/not found/);
    expect(r.timedOut).toBe(false);
  });

  it("reports a failing command's own exit code and stderr", async () => {
    const r = await ws.exec(["sh", "-c", "echo to-out; echo to-err >&2; exit 3"]);
    expect(r).toMatchObject({ exitCode: 3, stdout: "to-out\n", stderr: "to-err\n", timedOut: false, oomKilled: false, truncated: false });
  });

  it("passes stdin, env and cwd through", async () => {
    await ws.writeFile("sub/dir/file.txt", "x");
    const r = await ws.exec(["sh", "-c", 'printf "%s|%s|" "$GREETING" "$(pwd)"; cat'], {
      stdin: "from stdin",
      env: { GREETING: "hi there" },
      cwd: "sub/dir",
    });
    expect(r.stdout).toBe("hi there|/workspace/sub/dir|from stdin");
  });

  it("refuses paths outside the workspace and bad variable names before running anything", async () => {
    await expect(ws.exec(["true"], { cwd: "../etc" })).rejects.toThrow(/not inside the workspace/);
    await expect(ws.readFile("/etc/passwd")).rejects.toThrow(/not inside the workspace/);
    await expect(ws.exec(["true"], { env: { "BAD NAME": "x" } })).rejects.toThrow(/not a valid environment variable name/);
    await expect(ws.exec([])).rejects.toThrow(/argv was empty/);
  });

  it("throws a clear error for reading a missing file", async () => {
    await expect(ws.readFile("no/such/file.txt")).rejects.toThrow(/Cannot read no\/such\/file\.txt in the sandbox: .*No such file/);
  });

  it("keeps a file's executable bit when it is rewritten without a mode", async () => {
    await ws.writeFile("tool.sh", "#!/bin/sh\necho one\n", { mode: 0o755 });
    await ws.writeFile("tool.sh", "#!/bin/sh\necho two\n");
    const r = await ws.exec(["./tool.sh"]);
    expect(r.stdout).toBe("two\n");
    expect((await ws.readFile("tool.sh")).toString()).toBe("#!/bin/sh\necho two\n");
  });
});
