import { createRequire } from "node:module";

interface ExampleDefinition {
  name: string;
  examples: unknown[];
}

// The package's main file is JSON; require reads it the same way under every loader.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as ExampleDefinition[];

/** A deep copy of GitHub's own example payload for an event and action, to edit per test. */
export function examplePayload(name: "issue_comment" | "pull_request_review" | "check_run", action: string): Record<string, unknown> {
  const definition = examples.find((candidate) => candidate.name === name);
  const example = definition?.examples.find((candidate) => (candidate as { action?: string }).action === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${name}.${action} example`);
  return structuredClone(example) as unknown as Record<string, unknown>;
}

export interface PayloadEdits {
  body?: string;
  sender?: { login: string; type: "User" | "Bot" };
  owner?: { login: string; type: "User" | "Organization" };
  repo?: string;
  identifier?: string;
}

/** Applies the edits a test needs to an example payload, leaving everything else as GitHub sent it. */
export function edit(payload: Record<string, unknown>, edits: PayloadEdits): Record<string, unknown> {
  const p = payload as {
    comment?: { body: string | null };
    review?: { body: string | null };
    requested_action?: { identifier: string };
    sender: { login: string; type: string };
    repository: { name: string; full_name: string; owner: { login: string; type: string } };
  };
  if (edits.body !== undefined) {
    if (p.comment) p.comment.body = edits.body;
    if (p.review) p.review.body = edits.body;
  }
  if (edits.identifier !== undefined && p.requested_action) p.requested_action.identifier = edits.identifier;
  if (edits.sender) Object.assign(p.sender, edits.sender);
  if (edits.owner) Object.assign(p.repository.owner, edits.owner);
  if (edits.repo) p.repository.name = edits.repo;
  p.repository.full_name = `${p.repository.owner.login}/${p.repository.name}`;
  return payload;
}
