import type { SenderDirectory } from "../commands/github/sender-directory.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import { intake, type LabeledPayload } from "../intake/intake.js";
import { handleIssueClosed } from "../pull-requests/issue-closed.js";
import { loadDelivery, markDeliveryProcessed } from "../store/deliveries.js";

/** What a handler may use besides the delivery: the engine, installation clients and the shared sender directory. */
export interface HandlerContext {
  deps: EngineDeps;
  github: GitHubAuth;
  directory: SenderDirectory;
}

/** Handlers other layers register for events beyond intake (commands, pull requests, checks). */
export type DeliveryHandler = (
  delivery: { id: string; event: string; action: string | null; payload: unknown; installationId: number | null },
  context: HandlerContext,
) => Promise<string>;

/** One handler for an event several layers act on (a `push`: the config check, a moved base): each runs, in order. */
export function eachOf(...handlers: DeliveryHandler[]): DeliveryHandler {
  return async (delivery, context) => {
    const outcomes: string[] = [];
    for (const handler of handlers) outcomes.push(await handler(delivery, context));
    return outcomes.join(" | ");
  };
}

export interface RouterPorts {
  github: GitHubAuth;
  directory: SenderDirectory;
  /** Keyed by "event.action" (e.g. "issue_comment.created"). */
  handlers: Record<string, DeliveryHandler>;
}

/**
 * Processes one recorded delivery (the `wave-delivery` job). Records what it
 * decided on the delivery row. Throws on transient failures so the job retries.
 */
export async function processDelivery(deps: EngineDeps, ports: RouterPorts, deliveryId: string): Promise<string> {
  const delivery = await loadDelivery(deps.pool, deliveryId);
  if (!delivery) return "unknown delivery";
  if (delivery.processedAt) return "already processed";
  const key = `${delivery.event}.${delivery.action ?? ""}`;
  let outcome: string;
  if (key === "issues.labeled") {
    if (!delivery.installationId) outcome = "ignored: no installation";
    else {
      const octokit = await ports.github.forInstallation(delivery.installationId);
      const result = await intake(
        deps,
        octokit as Parameters<typeof intake>[1],
        ports.directory,
        delivery.payload as LabeledPayload,
        deliveryId,
      );
      outcome =
        result.kind === "started"
          ? `started story ${result.storyId}`
          : result.kind === "already-live"
            ? `story ${result.storyId} already live`
            : `${result.kind}: ${result.why}`;
    }
  } else if (key === "issues.closed") {
    outcome = await handleIssueClosed(deps, ports.github, delivery.payload, deliveryId, delivery.installationId);
  } else if (ports.handlers[key]) {
    outcome = await ports.handlers[key](
      {
        id: deliveryId,
        event: delivery.event,
        action: delivery.action,
        payload: delivery.payload,
        installationId: delivery.installationId,
      },
      { deps, github: ports.github, directory: ports.directory },
    );
  } else {
    outcome = `ignored: ${key} is not handled`;
  }
  await markDeliveryProcessed(deps.pool, deliveryId, outcome);
  deps.log.info({ deliveryId, event: key, outcome }, "delivery processed");
  return outcome;
}
