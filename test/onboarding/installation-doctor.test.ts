import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { doctorInstallations } from "../../src/cli/doctor.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { testPrivateKey } from "../support/test-keys.js";

/** `npm run doctor`'s installation check against the loopback GitHub fake, through the app's real JWT and token flow. */
let github: FakeGitHub;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  github = await startFakeGitHub();
  env = { APP_ID: "1", PRIVATE_KEY: testPrivateKey(), GHE_HOST: github.host, GHE_PROTOCOL: "http" };
  github.appInstallations.push({ id: 11, account: { login: "octo-org" }, repository_selection: "all", suspended_at: null });
  github.appInstallations.push({
    id: 12,
    account: { login: "paused-org" },
    repository_selection: "selected",
    suspended_at: "2026-11-30T10:00:00Z",
  });
  const repo = (name: string, archived = false) =>
    github.installationRepos.set(`octo-org/${name}`, {
      id: name.length,
      name,
      full_name: `octo-org/${name}`,
      node_id: `R_${name}`,
      archived,
    });
  repo("ready");
  repo("unlabelled");
  repo("broken");
  repo("attic", true);
  for (const name of ["ready", "broken"])
    github.repoLabels.set(`octo-org/${name}`, new Map([["wave", { color: "1d76db", description: "d" }]]));
  github.configs.set("octo-org/ready", "trigger_label: wave\n");
  github.configs.set("octo-org/broken", "budget:\n  story_cap: 3\n");
});
afterAll(async () => {
  await github?.close();
});

describe("doctor: installations", () => {
  it("lists installations, repositories without the trigger label and invalid wave.yml files, each with its fix", async () => {
    const checks = await doctorInstallations(env);
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(byName["installation 11 (octo-org, all repositories)"]).toMatchObject({
      ok: true,
      detail: "4 repositories (1 archived, skipped)",
    });
    expect(byName["installation 12 (paused-org, selected repositories)"]).toMatchObject({
      ok: false,
      detail: "suspended since 2026-11-30T10:00:00Z",
    });
    expect(byName["installation 12 (paused-org, selected repositories)"]?.fix).toMatch(/unsuspends/);
    expect(byName["octo-org: trigger label `wave`"]).toMatchObject({ ok: false, detail: "missing in 1: octo-org/unlabelled" });
    expect(byName["octo-org: trigger label `wave`"]?.fix).toMatch(/add them again/);
    const config = byName["octo-org: .github/wave.yml"];
    expect(config?.ok).toBe(false);
    expect(config?.detail).toContain(
      "octo-org/broken:.github/wave.yml line 2: `story_cap` is not a setting of `budget`. Did you mean `story_cap_usd`?",
    );
    expect(config?.detail).not.toContain("octo-org/ready");
    expect(github.requests.filter((r) => r.method !== "GET" && r.path !== "/graphql" && !r.path.endsWith("/access_tokens"))).toEqual([]);
    expect(github.undocumented).toEqual([]);
  });

  it("without credentials, says how to register the app instead of failing", async () => {
    const [check] = await doctorInstallations({});
    expect(check).toMatchObject({ name: "installations", ok: true });
    expect(check?.detail).toMatch(/npm start/);
  });
});
