import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onboardingHandlers } from "../../src/onboarding/onboard-handlers.js";
import { waveLabels } from "../../src/onboarding/labels.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { installationCreated, knowRepositories, repositoriesAdded } from "./installation-payloads.js";

/**
 * Onboarding through the running app: GitHub's own installation payloads, signed and
 * delivered over HTTP, GitHub faked on loopback (every request held against its REST
 * description), real Postgres and pg-boss.
 */
let app: TestApp;
let github: FakeGitHub;
const LABELS = waveLabels("wave").map((l) => l.name);

async function processed(deliveryId: string): Promise<string> {
  return waitFor(
    async () =>
      (await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id = $1 AND processed_at IS NOT NULL`, [deliveryId]))
        .rows[0]?.outcome as string | undefined,
    30_000,
    `delivery ${deliveryId}`,
  );
}
async function allOnboarded(): Promise<{ repo: string; outcome: string }[]> {
  return waitFor(
    async () => {
      const rows = (await app.pool.query(`SELECT owner || '/' || repo AS repo, outcome, done_at FROM wave_onboarding ORDER BY repo`)).rows;
      return rows.length > 0 && rows.every((r) => r.done_at) ? (rows as { repo: string; outcome: string }[]) : undefined;
    },
    30_000,
    "every repository onboarded",
  );
}
const graphqlFor = (fullName: string) =>
  github.requests.filter(
    (r) =>
      (r.path === "/graphql" &&
        JSON.stringify((r.body as { variables?: unknown }).variables ?? {}).includes(`"${fullName.split("/")[1]}"`)) ||
      (r.path === "/graphql" &&
        String((r.body as { variables?: Record<string, string> }).variables?.repositoryId) ===
          github.installationRepos.get(fullName)?.node_id),
  );

beforeAll(async () => {
  github = await startFakeGitHub();
  app = await startTestApp({ githubBaseUrl: github.url, handlers: () => onboardingHandlers() });
});
afterAll(async () => {
  await app?.stop();
  await github?.close();
});

describe("onboarding an installation", () => {
  it("labels every repository of installation.created and installation_repositories.added exactly once; redelivered, nothing more", async () => {
    const created = installationCreated(3);
    const added = repositoriesAdded();
    knowRepositories(github, created);
    knowRepositories(github, added);
    expect((await app.send("installation", created, "inst-created")).status).toBe(200);
    expect((await app.send("installation_repositories", added, "inst-added")).status).toBe(200);
    expect(await processed("inst-created")).toBe("installation 957387: 4 of 4 repositories queued for onboarding");
    expect(await processed("inst-added")).toBe("installation 957387: 1 of 1 added repositories queued for onboarding");
    const rows = await allOnboarded();
    const repos = [...github.installationRepos.keys()].sort();
    expect(rows.map((r) => r.repo)).toEqual(repos);
    for (const r of rows) expect(r.outcome).toBe(`labelled: created ${LABELS.join(", ")}`);
    // Each label once per repository, with a colour and a description that says what it does.
    expect([...github.labelCreations].sort()).toEqual(repos.flatMap((repo) => LABELS.map((l) => `${repo}:${l}`)).sort());
    for (const repo of repos) {
      const labels = github.repoLabels.get(repo);
      expect([...(labels?.keys() ?? [])]).toEqual(LABELS);
      for (const l of labels?.values() ?? []) {
        expect(l.color).toMatch(/^[0-9a-f]{6}$/);
        expect(l.description.length).toBeGreaterThan(20);
        expect(l.description.length).toBeLessThanOrEqual(100);
      }
      // A repository without labels costs two requests: the read and one write.
      expect(graphqlFor(repo)).toHaveLength(2);
    }

    const before = github.requests.length;
    // GitHub's redelivery (same delivery id), then the same events under new ids (a re-sent installation).
    await app.send("installation", created, "inst-created");
    await app.send("installation_repositories", added, "inst-added");
    await app.send("installation", created, "inst-created-again");
    await app.send("installation_repositories", added, "inst-added-again");
    expect(await processed("inst-created-again")).toBe("installation 957387: 0 of 4 repositories queued for onboarding");
    expect(await processed("inst-added-again")).toBe("installation 957387: 0 of 1 added repositories queued for onboarding");
    expect(github.labelCreations).toHaveLength(repos.length * LABELS.length);
    // Only the organisation's wave.yml is read again (the trigger label); nothing is written.
    expect(github.requests.slice(before).every((r) => r.method === "GET" || r.path.endsWith("/access_tokens"))).toBe(true);
    expect(github.undocumented).toEqual([]);
  });

  it("skips archived repositories and leaves labels that exist as they are", async () => {
    const added = repositoriesAdded();
    const [template] = added.repositories_added ?? [];
    if (!template) throw new Error("example has no repository");
    const owner = added.installation.account.login;
    added.repositories_added = [
      { ...template, id: 7001, node_id: "R_archived", name: "old", full_name: `${owner}/old` },
      { ...template, id: 7002, node_id: "R_partly", name: "partly", full_name: `${owner}/partly` },
    ];
    knowRepositories(github, added, (name) => name.endsWith("/old"));
    github.repoLabels.set(`${owner}/partly`, new Map([["WAVE", { color: "000000", description: "ours" }]]));
    const creationsBefore = github.labelCreations.length;
    await app.send("installation_repositories", added, "inst-added-more");
    await processed("inst-added-more");
    const rows = await allOnboarded();
    expect(rows.find((r) => r.repo === `${owner}/old`)?.outcome).toBe("skipped: archived");
    expect(rows.find((r) => r.repo === `${owner}/partly`)?.outcome).toBe("labelled: created wave:held, wave:killed, wave:done");
    expect(github.labelCreations.slice(creationsBefore)).toEqual([
      `${owner}/partly:wave:held`,
      `${owner}/partly:wave:killed`,
      `${owner}/partly:wave:done`,
    ]);
    expect(github.repoLabels.get(`${owner}/partly`)?.get("WAVE")).toEqual({ color: "000000", description: "ours" });
    expect(github.repoLabels.get(`${owner}/old`)).toBeUndefined();
    expect(github.undocumented).toEqual([]);
  });
});
