import { describe, expect, it } from "vitest";
import { doctor } from "../../src/cli/doctor.js";

describe("npm run doctor", () => {
  it("passes every check on this host, including gVisor really in use", async () => {
    const checks = await doctor({ ...process.env });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["Docker answers", true],
      ["runtime runsc registered", true],
      ["image wave-runner:latest", true],
      ["sandbox runs under gVisor", true],
    ]);
    expect(checks[3]?.detail).toMatch(/gVisor/);
  });

  it("prints the fix for each failure", async () => {
    const noDocker = await doctor({ ...process.env, DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    expect(noDocker).toEqual([expect.objectContaining({ name: "Docker answers", ok: false, fix: "npm run setup:docker" })]);

    const bad = await doctor({ ...process.env, WAVE_SANDBOX_RUNTIME: "wave-bogus-runtime", WAVE_SANDBOX_IMAGE: "wave-runner-missing:nope" });
    expect(bad.filter((c) => !c.ok).map((c) => [c.name, c.fix])).toEqual([
      ["runtime wave-bogus-runtime registered", "npm run setup:docker"],
      ["image wave-runner-missing:nope", "npm run build:image"],
    ]);
  });

  it("tells runc from gVisor by the kernel the sandbox sees", async () => {
    const checks = await doctor({ ...process.env, WAVE_SANDBOX_RUNTIME: "runc" });
    const gvisor = checks.find((c) => c.name === "sandbox runs under gVisor");
    expect(gvisor).toMatchObject({ ok: false, fix: expect.stringContaining("npm run setup:docker") });
    expect(gvisor?.detail).toMatch(/not gVisor/);
  });
});
