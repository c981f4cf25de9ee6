import { z } from "zod";

/**
 * `sandbox:` in .github/wave.yml. Owned by the sandbox layer; every key has a documented default.
 * A repository may size its sandbox within these bounds; it cannot loosen the isolation
 * (runtime, network, user, read-only root, capabilities are host policy, see src/sandbox/policy.ts).
 * Each key's description is what the JSON Schema and docs/configuration.md show.
 */
export const sandboxSection = z
  .object({
    image: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,31}$/, "an image name such as go, rust, java, ruby or polyglot")
      .nullable()
      .default(null)
      .describe(
        "The sandbox image by name, from those the host offers (`WAVE_SANDBOX_IMAGES`; WAVE's variants are go, rust, java with Maven and Gradle, ruby with Bundler, and polyglot); null is the host's default image (Node, npm, Python, C).",
      ),
    backend: z
      .enum(["docker", "actions"])
      .nullable()
      .default(null)
      .describe(
        "Where the sandbox runs: `docker` on the app's own Docker + gVisor host, `actions` on a GitHub Actions runner of this repository (docs/runner.md); null is the app's default (`WAVE_SANDBOX_BACKEND`, docker unless set). Set it for every repository in the organisation's .github repository.",
      ),
    actions_workflow: z
      .string()
      .regex(/^[^@\s]+\.ya?ml$/, "a workflow file such as .github/workflows/wave-runner.yml, or owner/repo/.github/workflows/x.yml")
      .default(".github/workflows/wave-runner.yml")
      .describe(
        "With `backend: actions`, the workflow whose runs may serve this repository's sandboxes (its OIDC token must name it): a path in the repository, or `owner/repo/path` of a reusable workflow the organisation keeps in one place.",
      ),
    actions_connect_seconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(300)
      .describe("With `backend: actions`, seconds to wait for a runner to pick up a dispatched job before the story holds saying so."),
    actions_retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(2)
      .describe(
        "With `backend: actions`, how many times one gate is retried on a fresh runner (with the change kept so far) after its runner was lost; then the story holds with the reason.",
      ),
    memory_mb: z
      .number()
      .int()
      .min(256)
      .max(16_384)
      .default(4096)
      .describe(
        "Memory for the whole sandbox in MiB, swap included (so no swap); the memory-backed workspace and /tmp count against it too.",
      ),
    cpus: z.number().min(0.25).max(8).default(1).describe("CPU quota of the sandbox in cores (fractions allowed)."),
    pids_limit: z
      .number()
      .int()
      .min(32)
      .max(4096)
      .default(512)
      .describe("Most processes and threads alive at once in the sandbox (a fork bomb stops here)."),
    workspace_mb: z
      .number()
      .int()
      .min(64)
      .max(16_384)
      .default(1024)
      .describe("Size of the workspace (the repository checkout, a memory-backed tmpfs) in MiB."),
    tarball_mb: z
      .number()
      .int()
      .min(1)
      .max(16_384)
      .default(1024)
      .describe(
        "Largest base-commit tarball (compressed, as GitHub serves it) WAVE downloads to open a workspace, in MiB; a larger repository holds the story with its size and this key.",
      ),
    tmp_mb: z
      .number()
      .int()
      .min(16)
      .max(8192)
      .default(512)
      .describe("Size of /tmp and of the home directory (each a memory-backed tmpfs) in MiB."),
    command_timeout_seconds: z
      .number()
      .int()
      .min(1)
      .max(7200)
      .default(600)
      .describe("Seconds one command may run before its whole process group is killed and it is reported as timed out."),
    job_deadline_minutes: z
      .number()
      .int()
      .min(1)
      .max(720)
      .default(60)
      .describe("Minutes one job's sandbox may live before the container is killed, whatever it is doing."),
    output_limit_kb: z
      .number()
      .int()
      .min(1)
      .max(16_384)
      .default(256)
      .describe("KiB of stdout and of stderr kept per command; the rest is dropped with a visible `…[truncated N bytes]` marker."),
    setup_command: z
      .string()
      .min(1)
      .nullable()
      .default(null)
      .describe(
        "Shell command that installs the repository's dependencies in the setup phase, before any agent command (the only step with registry egress). Unset: detected from the lockfiles present, frozen, lifecycle scripts off.",
      ),
    setup_scripts: z
      .array(z.string().min(1))
      .default([])
      .describe("Packages whose install (lifecycle) scripts run after the setup phase's install; every other package's scripts stay off."),
    setup_timeout_seconds: z
      .number()
      .int()
      .min(10)
      .max(7200)
      .default(900)
      .describe("Seconds the setup phase may take before it is killed and the story holds."),
    registries: z
      .array(z.object({ name: z.string().regex(/^[a-z][a-z0-9-]*$/), url: z.url() }).strict())
      .nullable()
      .default(null)
      .describe(
        "Package registries the setup phase may reach, replacing the per-ecosystem defaults (e.g. internal mirrors: `{name: npm, url: https://npm.internal.example}`). Set it in the organisation's .github repository; tokens are never configured here (the operator's WAVE_EGRESS_AUTH adds them in the app).",
      ),
  })
  .strict()
  .prefault({})
  .describe("Size and time limits of the sandbox every command runs in; its isolation is host policy and cannot be loosened here.");

export type SandboxSection = z.infer<typeof sandboxSection>;
