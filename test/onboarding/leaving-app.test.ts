import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pino } from "pino";
import { defaultConfig } from "../../src/config/schema.js";
import { applyEvent } from "../../src/engine/apply-event.js";
import { createStory } from "../../src/engine/create-story.js";
import type { EngineDeps } from "../../src/engine/deps.js";
import { onboardingHandlers } from "../../src/onboarding/onboard-handlers.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { githubExample } from "../support/webhook-examples.js";

/**
 * Leaving through the running app with GitHub's own installation payloads: suspend
 * holds (its own hold kind), unsuspend lifts only that, a removed repository's and a
 * deleted installation's stories are killed; sandboxes stop, and no GitHub request is
 * made for a story while its installation is suspended or gone.
 */
let app: TestApp;
let github: FakeGitHub;
let deps: EngineDeps;
const stopped: string[] = [];

async function story(installationId: number, repoId: number, owner: string, repo: string, issueNumber: number): Promise<string> {
  const created = await createStory(deps, {
    installationId,
    repoId,
    owner,
    repo,
    startedBy: "alice",
    story: {
      title: "t",
      body: "",
      acceptanceCriteria: [],
      domains: [],
      issueNumber,
      url: `https://github.com/${owner}/${repo}/issues/${issueNumber}`,
    },
    config: defaultConfig(),
    orgStopped: null,
    deliveryId: `create-${issueNumber}`,
  });
  if (!created) throw new Error("no story");
  return created.id;
}
async function settled(): Promise<void> {
  await waitFor(
    async () => {
      const pending = await app.pool.query(`SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL`);
      const deliveries = await app.pool.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE processed_at IS NULL`);
      return pending.rows[0].n === 0 && deliveries.rows[0].n === 0;
    },
    90_000,
    "deliveries processed and effects delivered",
  );
}
async function processed(deliveryId: string): Promise<string> {
  return waitFor(
    async () =>
      (await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id = $1 AND processed_at IS NOT NULL`, [deliveryId]))
        .rows[0]?.outcome as string | undefined,
    30_000,
    deliveryId,
  );
}
async function state(id: string): Promise<{ status: string; holds: Record<string, unknown> }> {
  const row = (await app.pool.query(`SELECT status, snapshot FROM stories WHERE id = $1`, [id])).rows[0];
  return { status: row.status as string, holds: row.snapshot.context.holds as Record<string, unknown> };
}
const requestsFor = (owner: string, from: number) => github.requests.slice(from).filter((r) => r.path.startsWith(`/repos/${owner}/`));

beforeAll(async () => {
  github = await startFakeGitHub();
  app = await startTestApp({
    githubBaseUrl: github.url,
    handlers: () => onboardingHandlers(),
    sandbox: { stopStory: async (id) => void stopped.push(id) },
  });
  deps = { pool: app.pool, boss: app.boss, log: pino({ level: "silent" }) };
});
afterAll(async () => {
  await app?.stop();
  await github?.close();
});

describe("leaving: suspend, unsuspend, repositories removed, uninstall", () => {
  it("suspend holds every live story of the installation and stops its sandboxes; unsuspend lifts only that hold", async () => {
    const suspend = githubExample<{ installation: { id: number; account: { login: string } } }>("installation", "suspend");
    const owner = suspend.installation.account.login;
    const a = await story(suspend.installation.id, 101, owner, "app", 1);
    const b = await story(suspend.installation.id, 101, owner, "app", 2);
    const other = await story(999, 102, "someone-else", "app", 3);
    await applyEvent(deps, b, { type: "HOLD", by: "bob", reason: "waiting for the design" });
    await settled();
    const before = github.requests.length;

    await app.send("installation", suspend, "suspend-1");
    expect(await processed("suspend-1")).toBe(`installation ${suspend.installation.id} suspended: 2 of 2 live stories held`);
    await settled();
    expect(await state(a)).toMatchObject({ status: "held", holds: { installation: { by: suspend.installation.account.login } } });
    expect((await state(b)).holds).toMatchObject({
      installation: expect.anything(),
      people: [{ by: "bob", reason: "waiting for the design" }],
    });
    expect((await state(other)).status).toBe("active");
    expect(stopped).toEqual(expect.arrayContaining([a, b]));
    expect(stopped).not.toContain(other);
    // Held and stopped without a word to GitHub: the installation cannot be reached.
    expect(requestsFor(owner, before)).toEqual([]);

    // While suspended, nothing another event asks of GitHub goes out either.
    await applyEvent(deps, a, { type: "HOLD", by: "carol", reason: "me too" });
    await settled();
    expect(requestsFor(owner, before)).toEqual([]);

    const unsuspend = githubExample("installation", "unsuspend");
    await app.send("installation", unsuspend, "unsuspend-1");
    expect(await processed("unsuspend-1")).toBe(
      `installation ${suspend.installation.id} unsuspended: 0 of 2 live stories resumed, 0 onboardings queued again`,
    );
    await settled();
    // The suspension's hold is gone; the people's holds stay, each with its own release.
    expect((await state(a)).holds).toEqual({ people: [{ by: "carol", reason: "me too" }] });
    expect((await state(b)).holds).toEqual({ people: [{ by: "bob", reason: "waiting for the design" }] });
    await applyEvent(deps, a, { type: "UNHOLD", by: "carol" });
    expect((await state(a)).status).toBe("active");
    // And the status comments are brought up to date again.
    await settled();
    expect(requestsFor(owner, before).length).toBeGreaterThan(0);
    expect(github.undocumented).toEqual([]);
  });

  it("a story held only by the suspension resumes where it was", async () => {
    const suspend = githubExample<{ installation: { id: number; account: { login: string } } }>("installation", "suspend");
    const c = await story(suspend.installation.id, 103, suspend.installation.account.login, "lib", 9);
    await settled();
    await app.send("installation", suspend, "suspend-2");
    await processed("suspend-2");
    expect((await state(c)).status).toBe("held");
    await app.send("installation", githubExample("installation", "unsuspend"), "unsuspend-2");
    await processed("unsuspend-2");
    expect(await state(c)).toMatchObject({ status: "active", holds: {} });
  });

  it("a removed repository's stories are killed, then the uninstall kills the rest; no GitHub request after either", async () => {
    const removed = githubExample<{
      installation: { id: number; account: { login: string } };
      repositories_removed: { id: number; name: string }[];
    }>("installation_repositories", "removed");
    const owner = removed.installation.account.login;
    const [gone] = removed.repositories_removed;
    if (!gone) throw new Error("example removes no repository");
    const inGone = await story(removed.installation.id, gone.id, owner, gone.name, 11);
    const elsewhere = await story(removed.installation.id, 4040, owner, "still-here", 12);
    await settled();
    const before = github.requests.length;
    await app.send("installation_repositories", removed, "removed-1");
    expect(await processed("removed-1")).toBe("1 repositories removed: 1 of 1 live stories killed");
    await settled();
    expect((await state(inGone)).status).toBe("killed");
    expect((await state(elsewhere)).status).toBe("active");
    expect(stopped).toContain(inGone);
    expect(requestsFor(`${owner}/${gone.name}`, before)).toEqual([]);

    const deleted = githubExample("installation", "deleted");
    await app.send("installation", deleted, "deleted-1");
    expect(await processed("deleted-1")).toBe(`installation ${removed.installation.id} deleted: 1 of 1 live stories killed`);
    await settled();
    expect((await state(elsewhere)).status).toBe("killed");
    expect(stopped).toContain(elsewhere);
    expect(requestsFor(owner, before)).toEqual([]);
    expect(github.requests.slice(before).filter((r) => r.path === `/app/installations/${removed.installation.id}/access_tokens`)).toEqual(
      [],
    );
  });
});
