import { z } from "zod";

/**
 * `sandbox:` in .github/wave.yml. Owned by the sandbox layer; every key has a documented default.
 * A repository may size its sandbox within these bounds; it cannot loosen the isolation
 * (runtime, network, user, read-only root, capabilities are host policy, see src/sandbox/policy.ts).
 * The workspace and /tmp are memory-backed, so they count against `memory_mb` too.
 */
export const sandboxSection = z
  .object({
    /** Memory for the whole sandbox in MiB, swap included (memory equals memory+swap, so no swap). */
    memory_mb: z.number().int().min(256).max(16_384).default(4096),
    /** CPU quota in cores (fractions allowed). */
    cpus: z.number().min(0.25).max(8).default(1),
    /** Most processes and threads alive at once in the sandbox (a fork bomb stops here). */
    pids_limit: z.number().int().min(32).max(4096).default(512),
    /** Size of the workspace (the repository checkout, a memory-backed tmpfs) in MiB. */
    workspace_mb: z.number().int().min(64).max(16_384).default(1024),
    /** Size of /tmp and of the home directory (each a memory-backed tmpfs) in MiB. */
    tmp_mb: z.number().int().min(16).max(8192).default(512),
    /** Seconds one command may run before its whole process group is killed and it is reported as timed out. */
    command_timeout_seconds: z.number().int().min(1).max(7200).default(600),
    /** Minutes one job's sandbox may live before the container is killed, whatever it is doing. */
    job_deadline_minutes: z.number().int().min(1).max(720).default(60),
    /** KiB of stdout and of stderr kept per command; the rest is dropped with a visible `…[truncated N bytes]` marker. */
    output_limit_kb: z.number().int().min(1).max(16_384).default(256),
  })
  .strict()
  .prefault({});

export type SandboxSection = z.infer<typeof sandboxSection>;
