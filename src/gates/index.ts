import type { GateWorkers } from "../engine/run-gate.js";
import { buildGate } from "./build-gate.js";
import type { GateDeps } from "./gate-context.js";
import { planGate } from "./plan-gate.js";
import { preflightGate } from "./preflight-gate.js";
import { reviewGate } from "../review/review-gate.js";
import { safetyGate } from "./safety-gate.js";
import { verifyGate } from "./verify-gate.js";

export type { GateDeps } from "./gate-context.js";

/** The workers for gates 1–6. Review (G6) comes from the publishing layer (src/review). */
export function gateWorkers(deps: GateDeps): GateWorkers {
  return {
    plan: planGate(deps),
    preflight: preflightGate(deps),
    build: buildGate(deps),
    verify: verifyGate(deps),
    safety: safetyGate(deps),
    review: reviewGate(deps),
  };
}
