import { z } from "zod";
import { sandboxSection } from "../config/sections/sandbox.js";
import type { SandboxSection } from "../config/sections/sandbox.js";

/**
 * The host's sandbox policy: isolation the operator sets once for every repository.
 * Each key has the safe default; loosening one is an explicit, visible choice in code or
 * environment, never something a repository's .github/wave.yml can do.
 */
export const sandboxPolicySchema = z
  .object({
    /** The sandbox image (built by `npm run build:image`). */
    image: z.string().min(1).default("wave-runner:latest"),
    /** The OCI runtime; `runsc` is gVisor. Anything else gives up the kernel isolation. */
    runtime: z.string().min(1).default("runsc"),
    /** Docker network mode. `none`: no interfaces but loopback. */
    network: z.literal("none").default("none"),
    /** uid:gid commands run as; the image's `wave` user. Never root. */
    user: z
      .string()
      .regex(/^[1-9][0-9]*:[1-9][0-9]*$/, "a non-root numeric uid:gid")
      .default("1000:1000"),
    /** Mount the image's root filesystem read-only; only the workspace, /tmp and the home directory are writable. */
    readOnlyRootfs: z.boolean().default(true),
    /** Drop every Linux capability. */
    dropAllCapabilities: z.boolean().default(true),
    /** Forbid gaining privileges through setuid/setgid binaries or file capabilities. */
    noNewPrivileges: z.boolean().default(true),
    /** Open files per process (RLIMIT_NOFILE). */
    nofile: z.number().int().min(64).default(4096),
    /**
     * Largest single file a command may write, in MiB (RLIMIT_FSIZE); 0 means twice the workspace size.
     * The tmpfs caps stop a full disk first, with a plain "No space left on device" instead of SIGXFSZ.
     */
    fsizeMb: z.number().int().min(0).default(0),
    /** Sandboxes running at once on this host; more wait in a FIFO queue. */
    maxConcurrent: z.number().int().min(1).default(2),
    /** Seconds between reaper passes that remove sandboxes whose job is gone. */
    reapIntervalSeconds: z.number().int().min(5).default(60),
    /** Limits used when a job does not bring its repository's own (`sandbox:` in .github/wave.yml). */
    limits: sandboxSection,
  })
  .strict();

export type SandboxPolicy = z.infer<typeof sandboxPolicySchema>;
export type SandboxPolicyInput = z.input<typeof sandboxPolicySchema>;
export type SandboxLimits = SandboxSection;

/** The policy with every default filled in, after validating what the caller overrides. */
export function sandboxPolicy(input: SandboxPolicyInput = {}): SandboxPolicy {
  return sandboxPolicySchema.parse(input);
}

/**
 * Operator overrides from the environment: WAVE_SANDBOX_IMAGE, WAVE_SANDBOX_RUNTIME,
 * WAVE_SANDBOX_MAX_CONCURRENT, WAVE_SANDBOX_REAP_INTERVAL_SECONDS. Only these; the rest
 * of the hardening is changed in code, where review sees it.
 */
export function sandboxPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxPolicy {
  const input: SandboxPolicyInput = {};
  if (env.WAVE_SANDBOX_IMAGE) input.image = env.WAVE_SANDBOX_IMAGE;
  if (env.WAVE_SANDBOX_RUNTIME) input.runtime = env.WAVE_SANDBOX_RUNTIME;
  if (env.WAVE_SANDBOX_MAX_CONCURRENT) input.maxConcurrent = Number(env.WAVE_SANDBOX_MAX_CONCURRENT);
  if (env.WAVE_SANDBOX_REAP_INTERVAL_SECONDS) input.reapIntervalSeconds = Number(env.WAVE_SANDBOX_REAP_INTERVAL_SECONDS);
  return sandboxPolicy(input);
}
