import { hostname } from "node:os";
import { resolve } from "node:path";
import { commandHandlers } from "../commands/handle-command-event.js";
import { iterateHandlers } from "../iterate/index.js";
import { handleConfigPush } from "../config/config-check-handler.js";
import { handleBasePush } from "../iterate/handle-base-push.js";
import { eachOf, type DeliveryHandler } from "../webhooks/route-delivery.js";
import { onboardingHandlers } from "../onboarding/onboard-handlers.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GateWorkers } from "../engine/run-gate.js";
import type { GitHubAuth, SandboxControl, StatusFacts } from "../engine/ports.js";
import { gateWorkers } from "../gates/index.js";
import { gateStatusFacts } from "../gates/status-facts.js";
import { pullRequestHandlers } from "../pull-requests/index.js";
import { createDockerRunner } from "../sandbox/docker-runner.js";
import { sandboxPolicyFromEnv } from "../sandbox/policy.js";
import { checkSandboxReady } from "../sandbox/readiness.js";
import { startReaper } from "../sandbox/reaper.js";
import { stopStorySandboxes } from "../sandbox/story-sandboxes.js";
import { LABELS } from "../sandbox/labels.js";
import { setupDepsFromEnv } from "./setup-deps.js";
import type { SandboxCounter } from "../portal/ops/metrics.js";
import type { SandboxProbe } from "../portal/ops/readiness.js";
import type { WaveOptions } from "../wave.js";
import { actionsBackendFromEnv } from "../runner-actions/actions-backend.js";
import { createActionsRunner } from "../runner-actions/actions-runner.js";
import { backendRunner, defaultBackendFromEnv } from "../runner-actions/backend-runner.js";

export interface ProductionPorts {
  /** The Actions runners' protocol routes, when the actions backend is enabled (WAVE_APP_URL set). */
  routes: NonNullable<WaveOptions["routes"]>;
  sandbox: SandboxControl;
  facts: StatusFacts;
  gates: (github: GitHubAuth) => GateWorkers;
  handlers: (github: GitHubAuth) => Record<string, DeliveryHandler>;
  /** What the portal's `/readyz` and `/metrics` ask the sandbox backend. */
  sandboxProbes: { sandboxReady: SandboxProbe; sandboxCount: SandboxCounter };
}

/**
 * Wires the layers together for a running app: the Docker + gVisor runner and
 * its reaper, the gate workers, the handlers for webhooks beyond intake, and
 * what the status comment shows. Checks the sandbox at boot and says how to
 * fix it; stories then hold at their first sandbox gate with the same message.
 */
export async function productionPorts(deps: EngineDeps, env: NodeJS.ProcessEnv): Promise<ProductionPorts> {
  const policy = sandboxPolicyFromEnv(env);
  const instance = `${hostname()}-${process.pid}`;
  const deployment = (await deps.pool.query(`SELECT id FROM wave_deployment`)).rows[0]?.id as string;
  const runner = createDockerRunner({ instance, deployment, policy });
  const backend = defaultBackendFromEnv(env);
  // The actions backend is on when the app knows its public URL; it needs no Docker on this host.
  const actions = env.WAVE_APP_URL || backend === "actions" ? actionsBackendFromEnv(env, deps) : undefined;
  const readiness = await checkSandboxReady(runner.docker, policy);
  if (readiness.ok) {
    deps.log.info({ image: policy.image, runtime: policy.runtime, imageVersion: readiness.imageVersion }, "sandbox ready");
  } else {
    // With actions as the default, a host without Docker is expected; only docker-backed repositories hold.
    const level = backend === "actions" ? "info" : "error";
    for (const p of readiness.problems) deps.log[level]({ check: p.check, fix: p.fix }, `${p.message} Fix: ${p.fix}`);
  }
  if (actions)
    deps.log.info({ appUrl: actions.appUrl, issuer: actions.issuer, audience: actions.audience, backend }, "actions runner backend on");
  startReaper(runner.docker, {
    deployment,
    intervalSeconds: policy.reapIntervalSeconds,
    isJobAlive: async (jobId) => {
      const res = await deps.pool.query(`SELECT 1 FROM pgboss.job WHERE id::text = $1 AND state IN ('created', 'retry', 'active')`, [
        jobId,
      ]);
      return (res.rowCount ?? 0) > 0;
    },
    onResult: (r) => r.removed.length && deps.log.info({ removed: r.removed }, "reaped sandboxes whose job is gone"),
    onError: (error) => deps.log.warn({ err: error }, "sandbox reaper pass failed"),
  });
  const cacheDir = resolve(env.WAVE_DATA_DIR ?? ".wave", "cache");
  const setup = setupDepsFromEnv(env, runner);
  return {
    sandbox: { stopStory: async (storyId) => void (await stopStorySandboxes(runner.docker, storyId)) },
    facts: gateStatusFacts(deps.pool),
    gates: (github) => {
      const backends = {
        docker: runner,
        ...(actions
          ? {
              actions: createActionsRunner({
                pool: deps.pool,
                github,
                hub: actions.hub,
                appUrl: () => actions.appUrl,
                webUrl: env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}` : "https://github.com",
                log: deps.log,
              }),
            }
          : {}),
      };
      return gateWorkers({ ...deps, github, runner: backendRunner(backends, backend), env, cacheDir, setup });
    },
    routes: actions ? [actions.routes] : [],
    handlers: () => ({
      ...commandHandlers(),
      ...iterateHandlers(),
      ...pullRequestHandlers(env),
      ...onboardingHandlers(),
      "push.": eachOf(handleConfigPush, handleBasePush),
    }),
    sandboxProbes: {
      sandboxReady: async () => {
        const now = await checkSandboxReady(runner.docker, policy);
        return now.ok ? { ok: true } : { ok: false, reason: now.problems.map((p) => `${p.message} Fix: ${p.fix}`).join(" ") };
      },
      sandboxCount: async () => (await runner.docker.listContainers({ filters: { label: [`${LABELS.deployment}=${deployment}`] } })).length,
    },
  };
}
