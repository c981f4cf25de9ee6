import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { handleCheckRunRerequested } from "./check-run-rerequested.js";
import { handlePullRequestClosed } from "./pr-closed.js";
import { pullRequestSynchronize } from "./pr-synchronize.js";

/** The handlers for PR and check-run events, to register in `RouterPorts.handlers`. `env` gives the safety scorer its key. */
export function pullRequestHandlers(env: NodeJS.ProcessEnv): Record<string, DeliveryHandler> {
  return {
    "pull_request.closed": handlePullRequestClosed,
    "pull_request.synchronize": pullRequestSynchronize(env),
    "check_run.rerequested": handleCheckRunRerequested,
  };
}
