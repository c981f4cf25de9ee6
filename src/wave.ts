import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunction, Probot } from "probot";
import { createSenderDirectory } from "./commands/github/sender-directory.js";
import type { EngineDeps } from "./engine/deps.js";
import type { GateWorkers } from "./engine/run-gate.js";
import type { GitHubAuth, SandboxControl, StatusFacts } from "./engine/ports.js";
import type { GitHubClient } from "./github/client.js";
import { startWorkers, type WorkerOptions, type Workers } from "./jobs/workers.js";
import { recordIncoming } from "./webhooks/record-delivery.js";
import { startDeliveryDispatcher } from "./webhooks/delivery-dispatcher.js";
import { createDeliveryRecorder } from "./webhooks/delivery-recorder.js";
import { subscribedEvents } from "./webhooks/events.js";
import type { DeliveryHandler } from "./webhooks/route-delivery.js";
import { createPortal, type Portal } from "./portal/portal.js";
import { createMetrics, type WaveMetrics } from "./portal/ops/metrics.js";
import type { PortalOptions } from "./portal/options.js";
import { startNotifier, type NotifierOptions } from "./notify/notifier.js";

export interface WaveOptions {
  deps: EngineDeps;
  sandbox: SandboxControl;
  facts: StatusFacts;
  /** The gate workers, given the app's installation-authenticated GitHub. */
  gates: (github: GitHubAuth) => GateWorkers;
  /** Handlers for webhooks beyond intake, keyed "event.action". */
  handlers: (github: GitHubAuth) => Record<string, DeliveryHandler>;
  workers?: WorkerOptions;
  /** The portal (dashboard, API, health, metrics) on the app's server; absent in tests that do not need it. */
  portal?: { options: PortalOptions; databaseUrl: string };
  /** Send Slack notifications from this replica (off in tests that do not need it). */
  notifier?: NotifierOptions;
  /** More request handlers on the app's server (the Actions runners' protocol, `/wave/runner/`), tried before the portal. */
  routes?: ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>)[];
  /** Called with the running workers (and the portal, when there is one) once the app is loaded. */
  onStarted?: (workers: Workers, portal?: Portal) => void;
}

/** Counts every GitHub answer and keeps the last rate-limit figure, for `/metrics`. */
function instrument(client: GitHubClient, metrics: WaveMetrics): GitHubClient {
  const hook = (
    client as unknown as {
      hook?: {
        after: (n: string, f: (r: { status: number; headers: Record<string, unknown> }) => void) => void;
        error: (n: string, f: (e: { status?: number; response?: { headers: Record<string, unknown> } }) => never) => void;
      };
    }
  ).hook;
  hook?.after("request", (r) =>
    metrics.githubRequest(
      r.status,
      r.headers["x-ratelimit-remaining"] as string | undefined,
      r.headers["x-ratelimit-resource"] as string | undefined,
    ),
  );
  hook?.error("request", (error) => {
    metrics.githubRequest(
      error.status ?? 0,
      error.response?.headers["x-ratelimit-remaining"] as string | undefined,
      error.response?.headers["x-ratelimit-resource"] as string | undefined,
    );
    throw error;
  });
  return client;
}

/**
 * The Probot app: its webhook handler only records each delivery and queues
 * its processing; everything else runs in the queue's workers.
 */
export function waveApp(options: WaveOptions): ApplicationFunction {
  return async (app: Probot, { addHandler }) => {
    const { deps } = options;
    const metrics = createMetrics(deps.pool, options.portal?.options.sandboxCount);
    const github: GitHubAuth = {
      forInstallation: async (id: number) => instrument((await app.auth(id)) as unknown as GitHubClient, metrics),
    };
    const directory = createSenderDirectory();
    const workers = await startWorkers(
      deps,
      {
        router: { github, directory, handlers: options.handlers(github) },
        effects: { github, sandbox: options.sandbox, facts: options.facts },
        gates: options.gates(github),
      },
      options.workers,
    );
    const dispatcher = startDeliveryDispatcher(deps, { onQueued: () => workers.notifyDelivery() });
    // Deliveries recorded before a restart and never queued go first.
    await dispatcher.flush();
    const recorder = createDeliveryRecorder(deps.pool);
    app.on([...subscribedEvents], async (context) => {
      const fresh = await recordIncoming(recorder, { id: context.id, name: context.name, payload: context.payload });
      if (fresh) dispatcher.poke();
      else app.log.debug({ deliveryId: context.id }, "redelivery ignored");
    });
    for (const route of options.routes ?? []) addHandler(route);
    const portal = options.portal
      ? createPortal(deps, { boss: deps.boss, github, directory, metrics, databaseUrl: options.portal.databaseUrl }, options.portal.options)
      : undefined;
    if (portal) addHandler(portal.handler);
    if (options.notifier) startNotifier(deps, options.notifier);
    options.onStarted?.(workers, portal);
  };
}
