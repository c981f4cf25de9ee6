import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { WaveError } from "../errors.js";
import { containerCreateOptions } from "./container-config.js";
import { createDockerClient, dockerEndpoint } from "./docker-client.js";
import { explainDockerError } from "./docker-errors.js";
import { startAttached } from "./docker-attach.js";
import { DockerWorkspace } from "./docker-workspace.js";
import type { StopReason } from "./docker-workspace.js";
import { FifoLimiter } from "./fifo-limiter.js";
import { stoppedForMemory } from "./stop-reason.js";
import { sandboxPolicy } from "./policy.js";
import type { SandboxPolicy, SandboxPolicyInput } from "./policy.js";
import { sandboxSection } from "../config/sections/sandbox.js";
import type { Runner, Workspace, WorkspaceSpec } from "./runner.js";
import { dockerExec } from "./docker-exec.js";
import { INIT_DONE, INIT_WORKSPACE, SEAL_BASELINE } from "./sandbox-scripts.js";
import { sniffTarball } from "./tarball.js";

export interface DockerRunnerOptions {
  /** This app instance's id, written on every container so operators can tell replicas apart. */
  instance: string;
  /** The deployment id (one per database), so reapers of other WAVE deployments on the same Docker host leave these alone. */
  deployment?: string;
  docker?: Docker;
  /** Host policy; defaults are the safe ones (see policy.ts). */
  policy?: SandboxPolicyInput;
  /** Share one limiter between runners on the same host; by default each runner has its own of `policy.maxConcurrent`. */
  limiter?: FifoLimiter;
}

/** The Docker + gVisor Runner, with the policy and limiter it uses. */
export interface DockerRunner extends Runner {
  readonly policy: SandboxPolicy;
  readonly limiter: FifoLimiter;
  readonly docker: Docker;
}

/**
 * The Docker + gVisor backend of the Runner port. Each workspace is one hardened container
 * (see container-config.ts); the repository goes in on the container's attach stream and the
 * change comes out through exec streams, never through bind mounts or Docker's archive API.
 */
export function createDockerRunner(options: DockerRunnerOptions): DockerRunner {
  const policy = sandboxPolicy(options.policy);
  const docker = options.docker ?? createDockerClient();
  const limiter = options.limiter ?? new FifoLimiter(policy.maxConcurrent);

  async function createWorkspace(spec: WorkspaceSpec, tarball: Readable): Promise<Workspace> {
    const limits = sandboxSection.parse({ ...policy.limits, ...spec.limits });
    // The repository's chosen image (a toolchain variant); every other setting stays the host's.
    const imagePolicy = spec.image ? { ...policy, image: spec.image } : policy;
    const context = { image: imagePolicy.image, runtime: policy.runtime, socket: socketOf(docker) };
    const release = await limiter.acquire();
    let container: Docker.Container | undefined;
    let deadlineTimer: NodeJS.Timeout | undefined;
    let removed: Promise<void> | undefined;
    const remove = () => {
      clearTimeout(deadlineTimer);
      removed ??= (container ?? docker.getContainer("none")).remove({ force: true, v: true }).then(
        () => undefined,
        (error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error)),
      );
      return removed;
    };
    try {
      const deadlineMs = spec.deadlineMs ?? limits.job_deadline_minutes * 60_000;
      const deadlineAt = Date.now() + deadlineMs;
      const { gzip, stream } = await sniffTarball(tarball);
      const who = {
        instance: options.instance,
        ...(options.deployment ? { deployment: options.deployment } : {}),
        storyId: spec.storyId,
        jobId: spec.jobId,
        deadlineAt,
      };
      const init = ["/bin/sh", "-c", INIT_WORKSPACE, "wave-init", gzip ? "-z" : ""];
      const createdAt = Date.now();
      const created: Docker.Container = await docker
        .createContainer(containerCreateOptions(imagePolicy, limits, who, init))
        .catch((error: unknown) => Promise.reject(explainDockerError(error, context)));
      container = created;

      let deadlinePassed = false;
      let stopped: Promise<StopReason> = new Promise(() => undefined);
      const started = await startAttached(created, stream, {
        start: async () => {
          // Docker may report an unregistered runtime only at start.
          await created.start().catch((error: unknown) => Promise.reject(explainDockerError(error, context)));
          deadlineTimer = setTimeout(() => {
            deadlinePassed = true;
            void created.kill().catch(() => undefined);
          }, deadlineMs);
          deadlineTimer.unref();
          stopped = created
            .wait()
            .catch(() => undefined)
            .then(async () => {
              clearTimeout(deadlineTimer);
              if (deadlinePassed) return "deadline";
              return (await stoppedForMemory(docker, created, createdAt)) ? "out-of-memory" : "stopped";
            });
        },
        containerGone: () => stopped,
        doneMarker: INIT_DONE,
        stdoutLimit: 4096,
        stderrLimit: 16 * 1024,
      });
      const [baseline = "", helperLine, done] = started.stdout.text().trim().split("\n");
      if (done !== INIT_DONE && helperLine !== INIT_DONE) {
        const why =
          started.stderr.text().trim() || (started.containerStopped ? "the container stopped while unpacking" : "no baseline commit");
        throw new WaveError(`Cannot unpack the repository into the sandbox: ${why}.`, {
          hint: "Check that the stream is a tar or tar.gz archive and fits sandbox.workspace_mb.",
        });
      }
      if (!/^[0-9a-f]{40}$/.test(baseline)) throw new WaveError(`The sandbox gave no baseline commit (${JSON.stringify(baseline)}).`);
      await sealBaseline(created, baseline, stopped);
      return new DockerWorkspace({ container: created, baseline, helper: helperLine === "helper", limits, stopped, remove, release });
    } catch (error) {
      if (container) await remove().catch(() => undefined);
      release();
      throw error;
    }
  }

  return { createWorkspace, policy, limiter, docker };
}

/**
 * Copies the baseline commit's objects where the sandbox user cannot write them (see
 * SEAL_BASELINE), before the workspace is handed out and so before any command has run. Root
 * here has no capabilities: it owns that one tmpfs and nothing else.
 */
async function sealBaseline(container: Docker.Container, baseline: string, stopped: Promise<unknown>): Promise<void> {
  const sealed = await dockerExec(container, {
    argv: ["/bin/sh", "-c", SEAL_BASELINE, "wave-seal", baseline],
    user: "0:0",
    stdoutLimit: 4096,
    stderrLimit: 16 * 1024,
    containerGone: stopped,
    timeoutMs: 300_000,
  });
  if (sealed.exitCode !== 0 || sealed.stdout.text().trim() !== "sealed") {
    const why = sealed.stderr.text().trim() || (sealed.containerStopped ? "the container stopped" : `exit code ${String(sealed.exitCode)}`);
    throw new WaveError(`Cannot keep the baseline commit out of the workspace's reach: ${why}.`, {
      hint: "The sealed copy is as large as the repository's packed objects and counts against sandbox.memory_mb; raise it for a large repository.",
    });
  }
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { statusCode?: number }).statusCode === 404;
}

function socketOf(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: unknown; port?: unknown };
  if (typeof modem.socketPath === "string") return `unix://${modem.socketPath}`;
  if (typeof modem.host === "string") return `tcp://${modem.host}:${String(modem.port ?? "")}`;
  return dockerEndpoint();
}
