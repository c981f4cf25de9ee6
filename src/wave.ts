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

export interface WaveOptions {
  deps: EngineDeps;
  sandbox: SandboxControl;
  facts: StatusFacts;
  /** The gate workers, given the app's installation-authenticated GitHub. */
  gates: (github: GitHubAuth) => GateWorkers;
  /** Handlers for webhooks beyond intake, keyed "event.action". */
  handlers: (github: GitHubAuth) => Record<string, DeliveryHandler>;
  workers?: WorkerOptions;
  /** Called with the running workers once the app is loaded. */
  onStarted?: (workers: Workers) => void;
}

/**
 * The Probot app: its webhook handler only records each delivery and queues
 * its processing; everything else runs in the queue's workers.
 */
export function waveApp(options: WaveOptions): ApplicationFunction {
  return async (app: Probot) => {
    const { deps } = options;
    const github: GitHubAuth = { forInstallation: async (id: number) => (await app.auth(id)) as unknown as GitHubClient };
    const workers = await startWorkers(
      deps,
      {
        router: { github, directory: createSenderDirectory(), handlers: options.handlers(github) },
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
    options.onStarted?.(workers);
  };
}
