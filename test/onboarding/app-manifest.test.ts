import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { subscribedEvents } from "../../src/webhooks/events.js";

/** app.yml is what Probot's setup page registers (for an organisation with GH_ORG): the events onboarding needs, and no more permission than before. */
const manifest = parse(readFileSync(new URL("../../app.yml", import.meta.url), "utf8")) as {
  default_events: string[];
  default_permissions: Record<string, string>;
};

describe("app.yml for an organisation-wide install", () => {
  it("subscribes to every event the app handles, push and repository included", () => {
    expect(manifest.default_events).toEqual(expect.arrayContaining(["push", "repository"]));
    // installation and installation_repositories reach every app without a subscription (GitHub rejects them in a manifest).
    expect(subscribedEvents.filter((e) => !manifest.default_events.includes(e))).toEqual(["installation", "installation_repositories"]);
  });

  it("asks for least privilege: push needs contents, repository needs metadata, labels need issues; no workflows or administration", () => {
    expect(manifest.default_permissions).toEqual({
      contents: "write",
      issues: "write",
      pull_requests: "write",
      checks: "write",
      metadata: "read",
      members: "read",
      // The log of a failing GitHub Actions job on WAVE's PR, for the fix iteration (src/iterate/).
      actions: "read",
    });
  });
});
