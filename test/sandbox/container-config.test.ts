import { describe, expect, it } from "vitest";
import { waveConfigSchema } from "../../src/config/schema.js";
import { containerCreateOptions, hostPidsLimit } from "../../src/sandbox/container-config.js";
import { sandboxPolicy, sandboxPolicyFromEnv } from "../../src/sandbox/policy.js";

const who = { instance: "i-1", storyId: "s-1", jobId: "j-1", deadlineAt: 1_700_000_000_000 };

describe("containerCreateOptions", () => {
  const policy = sandboxPolicy();
  const options = containerCreateOptions(policy, policy.limits, who);
  const host = options.HostConfig ?? {};

  it("applies every hardening setting by default", () => {
    expect(host.Runtime).toBe("runsc");
    expect(host.NetworkMode).toBe("none");
    expect(options.NetworkDisabled).toBe(true);
    expect(options.User).toBe("1000:1000");
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.CapDrop).toEqual(["ALL"]);
    expect(host.SecurityOpt).toEqual(["no-new-privileges"]);
    expect(host.Privileged).toBe(false);
  });

  it("mounts nothing from the host and passes no environment beyond PATH, HOME and LANG", () => {
    expect(host.Binds).toEqual([]);
    expect(host.Mounts).toEqual([]);
    expect(options.Env?.map((e) => e.split("=")[0])).toEqual(["PATH", "HOME", "LANG"]);
  });

  it("sizes memory without swap, CPU, processes, tmpfs and ulimits from the limits", () => {
    const limits = { ...policy.limits, memory_mb: 512, cpus: 1.5, pids_limit: 100, workspace_mb: 64, tmp_mb: 32 };
    const h = containerCreateOptions(policy, limits, who).HostConfig ?? {};
    expect(h.Memory).toBe(512 * 1024 * 1024);
    expect(h.MemorySwap).toBe(h.Memory);
    expect(h.NanoCpus).toBe(1_500_000_000);
    expect(h.PidsLimit).toBe(hostPidsLimit(100));
    expect(h.Tmpfs?.["/workspace"]).toContain("size=64m");
    expect(h.Tmpfs?.["/tmp"]).toContain("size=32m");
    // The sealed baseline's tmpfs is root's: the sandbox user may read it, never write it.
    expect(h.Tmpfs?.["/baseline"]).toContain("size=64m,mode=0755");
    expect(h.Tmpfs?.["/baseline"]).not.toContain("uid=");
    for (const mount of Object.values(h.Tmpfs ?? {})) expect(mount).toMatch(/rw,exec,nosuid,nodev/);
    expect(h.Ulimits).toContainEqual({ Name: "nproc", Soft: 100, Hard: 100 });
    expect(h.Ulimits).toContainEqual({ Name: "nofile", Soft: 4096, Hard: 4096 });
    expect(h.Ulimits).toContainEqual({ Name: "fsize", Soft: 128 * 1024 * 1024, Hard: 128 * 1024 * 1024 });
  });

  it("labels the container for the reaper", () => {
    expect(options.Labels).toEqual({ "wave.instance": "i-1", "wave.story": "s-1", "wave.job": "j-1", "wave.deadline": "1700000000000" });
  });
});

describe("sandbox policy and config", () => {
  it("refuses a root user and any network but none", () => {
    expect(() => sandboxPolicy({ user: "0:0" })).toThrow();
    expect(() => sandboxPolicy({ network: "bridge" as "none" })).toThrow();
  });

  it("takes only image, runtime, concurrency and reap interval from the environment", () => {
    const p = sandboxPolicyFromEnv({
      WAVE_SANDBOX_IMAGE: "x:1",
      WAVE_SANDBOX_RUNTIME: "runsc-debug",
      WAVE_SANDBOX_MAX_CONCURRENT: "5",
      WAVE_SANDBOX_REAP_INTERVAL_SECONDS: "30",
    });
    expect([p.image, p.runtime, p.maxConcurrent, p.reapIntervalSeconds]).toEqual(["x:1", "runsc-debug", 5, 30]);
    expect(sandboxPolicyFromEnv({}).runtime).toBe("runsc");
  });

  it("gives the wave.yml sandbox section its defaults and refuses unknown or out-of-range keys", () => {
    const config = waveConfigSchema.parse({});
    expect(config.sandbox).toEqual({
      image: null,
      memory_mb: 4096,
      cpus: 1,
      pids_limit: 512,
      workspace_mb: 1024,
      tarball_mb: 1024,
      tmp_mb: 512,
      command_timeout_seconds: 600,
      job_deadline_minutes: 60,
      output_limit_kb: 256,
      setup_command: null,
      setup_scripts: [],
      setup_timeout_seconds: 900,
      registries: null,
    });
    expect(() => waveConfigSchema.parse({ sandbox: { network: "host" } })).toThrow();
    expect(() => waveConfigSchema.parse({ sandbox: { registries: [{ name: "npm", url: "not a url" }] } })).toThrow();
    expect(() => waveConfigSchema.parse({ sandbox: { memory_mb: 10 } })).toThrow();
    expect(() => waveConfigSchema.parse({ sandbox: { tarball_mb: 0 } })).toThrow();
    expect(() => waveConfigSchema.parse({ sandbox: { tarball_mb: 16_385 } })).toThrow();
  });
});
