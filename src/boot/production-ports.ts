import { commandHandlers } from "../commands/handle-command-event.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GateWorkers } from "../engine/run-gate.js";
import type { SandboxControl, StatusFacts } from "../engine/ports.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";

export interface ProductionPorts {
  sandbox: SandboxControl;
  facts: StatusFacts;
  gates: GateWorkers;
  handlers: Record<string, DeliveryHandler>;
}

/**
 * Wires the layers together for a running app: which worker does each gate's
 * work, which handler takes each webhook beyond intake, and how sandboxes are
 * stopped. Gates without a worker here wait, visibly, at their gate.
 */
export async function productionPorts(_deps: EngineDeps, _env: NodeJS.ProcessEnv): Promise<ProductionPorts> {
  return {
    sandbox: { stopStory: async () => undefined },
    facts: { extras: async () => ({}) },
    gates: {},
    handlers: { ...commandHandlers() },
  };
}
