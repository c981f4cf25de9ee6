import { createHmac } from "node:crypto";
import { createRequire } from "node:module";

interface ExampleDefinition {
  name: string;
  examples: unknown[];
}

// The package's main file is JSON; require reads it the same way under every loader.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as ExampleDefinition[];

/** A deep copy of GitHub's own example payload for an event and action (the first one, or the one `pick` selects). */
export function githubExample<T = Record<string, unknown>>(
  name: string,
  action?: string,
  pick: (p: Record<string, unknown>) => boolean = () => true,
): T {
  const definition = examples.find((candidate) => candidate.name === name);
  const example = definition?.examples.find(
    (candidate) =>
      (action === undefined || (candidate as { action?: string }).action === action) && pick(candidate as Record<string, unknown>),
  );
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${name}${action ? `.${action}` : ""} example`);
  return structuredClone(example) as T;
}

/** GitHub's X-Hub-Signature-256 for a body. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Delivers a payload to a running app the way GitHub does: signed JSON with the event headers. */
export async function deliver(url: string, secret: string, name: string, payload: unknown, deliveryId: string): Promise<Response> {
  const body = JSON.stringify(payload);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": name,
      "x-github-delivery": deliveryId,
      "x-hub-signature-256": signature(body, secret),
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  });
}
