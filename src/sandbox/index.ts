/**
 * The sandbox layer's public surface: the Runner port, its Docker + gVisor backend, the host
 * policy, the images a repository may choose, the boot check and the reaper. Other layers import from here.
 */
export type { ChangedFile, ExecOptions, ExecResult, Runner, Workspace, WorkspaceChange, WorkspaceSpec } from "./runner.js";
export { createDockerRunner } from "./docker-runner.js";
export type { DockerRunner, DockerRunnerOptions } from "./docker-runner.js";
export { createDockerClient, dockerEndpoint } from "./docker-client.js";
export { sandboxPolicy, sandboxPolicyFromEnv, sandboxPolicySchema } from "./policy.js";
export type { SandboxLimits, SandboxPolicy, SandboxPolicyInput } from "./policy.js";
export { assertSandboxReady, checkSandboxReady } from "./readiness.js";
export type { ReadinessProblem, SandboxReadiness } from "./readiness.js";
export { reapSandboxes, startReaper } from "./reaper.js";
export type { IsJobAlive, ReapOptions, ReapResult } from "./reaper.js";
export { BASE_IMAGE, chooseImage, IMAGE_VARIANTS, ImageNotAllowed, parseImageAllowlist, variantTag } from "./image-allowlist.js";
export type { ImageAllowlist } from "./image-allowlist.js";
export { FifoLimiter } from "./fifo-limiter.js";
export { LABELS } from "./labels.js";
