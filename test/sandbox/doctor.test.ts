import { describe, expect, it } from "vitest";
import { doctor } from "../../src/cli/doctor.js";
import { sandboxPolicyFromEnv } from "../../src/sandbox/policy.js";

describe("npm run doctor", () => {
  it("passes every check on this host, including gVisor really in use", async () => {
    const checks = await doctor({ ...process.env });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["Docker answers", true],
      ["runtime runsc registered", true],
      // WAVE_SANDBOX_IMAGE points the test at an image built under another tag.
      [`image ${sandboxPolicyFromEnv(process.env).image}`, true],
      ["sandbox runs under gVisor", true],
    ]);
    expect(checks[3]?.detail).toMatch(/gVisor/);
  });

  it("prints the fix for each failure", async () => {
    const noDocker = await doctor({ ...process.env, DOCKER_HOST: "unix:///nonexistent/docker.sock" });
    expect(noDocker).toEqual([expect.objectContaining({ name: "Docker answers", ok: false, fix: "npm run setup:docker" })]);

    const bad = await doctor({
      ...process.env,
      WAVE_SANDBOX_RUNTIME: "wave-bogus-runtime",
      WAVE_SANDBOX_IMAGE: "wave-runner-missing:nope",
    });
    expect(bad.filter((c) => !c.ok).map((c) => [c.name, c.fix])).toEqual([
      ["runtime wave-bogus-runtime registered", "npm run setup:docker"],
      ["image wave-runner-missing:nope", "npm run build:image"],
    ]);
  });

  it("fails an image offered in WAVE_SANDBOX_IMAGES that is not built, with the command that builds it, and a malformed list", async () => {
    const offered = await doctor({ ...process.env, WAVE_SANDBOX_IMAGES: "ruby=wave-runner-ruby-missing:nope" });
    expect(offered.filter((c) => !c.ok)).toEqual([
      {
        name: "image wave-runner-ruby-missing:nope (sandbox.image: ruby)",
        ok: false,
        detail: "offered in WAVE_SANDBOX_IMAGES but not built",
        fix: "WAVE_SANDBOX_IMAGE=wave-runner-ruby-missing:nope npm run build:image -- --variant ruby",
      },
    ]);
    const malformed = await doctor({ ...process.env, WAVE_SANDBOX_IMAGES: "cobol" });
    expect(malformed.filter((c) => !c.ok)).toEqual([
      expect.objectContaining({ name: "WAVE_SANDBOX_IMAGES", detail: expect.stringContaining("not one of WAVE's variants") }),
    ]);
  });

  it("tells runc from gVisor by the kernel the sandbox sees", async () => {
    const checks = await doctor({ ...process.env, WAVE_SANDBOX_RUNTIME: "runc" });
    const gvisor = checks.find((c) => c.name === "sandbox runs under gVisor");
    expect(gvisor).toMatchObject({ ok: false, fix: expect.stringContaining("npm run setup:docker") });
    expect(gvisor?.detail).toMatch(/not gVisor/);
  });
});
