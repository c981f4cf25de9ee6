import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateConfig } from "../../src/config/load.js";
import { actionsDoctor, workflowTemplate } from "../../src/cli/actions-doctor.js";
import { actionsIssuer, GITHUB_ACTIONS_ISSUER } from "../../src/oidc/actions-issuer.js";
import { actionsSettingsFromEnv } from "../../src/runner-actions/actions-backend.js";
import { defaultBackendFromEnv } from "../../src/runner-actions/backend-runner.js";

describe("sandbox.backend in wave.yml", () => {
  it("comes from the organisation's .github repository through _extends, and a repository may choose its own", () => {
    const org = { location: "octo-org/.github:.github/wave.yml", config: { sandbox: { backend: "actions", actions_retries: 3 } } };
    expect(validateConfig([org, { location: "octo-org/a:.github/wave.yml", config: { _extends: ".github" } }]).sandbox).toMatchObject({
      backend: "actions",
      actions_retries: 3,
      actions_workflow: ".github/workflows/wave-runner.yml",
    });
    expect(
      validateConfig([org, { location: "octo-org/b:.github/wave.yml", config: { _extends: ".github", sandbox: { backend: "docker" } } }])
        .sandbox.backend,
    ).toBe("docker");
    expect(validateConfig([]).sandbox.backend).toBeNull();
  });

  it("refuses an unknown backend naming the key", () => {
    expect(() => validateConfig([{ location: "o/r:.github/wave.yml", config: { sandbox: { backend: "kubernetes" } } }])).toThrow(
      /sandbox\.backend/,
    );
  });
});

describe("the app's environment for the actions backend", () => {
  it("reads WAVE_SANDBOX_BACKEND, docker unless set", () => {
    expect(defaultBackendFromEnv({})).toBe("docker");
    expect(defaultBackendFromEnv({ WAVE_SANDBOX_BACKEND: "Actions" })).toBe("actions");
    expect(() => defaultBackendFromEnv({ WAVE_SANDBOX_BACKEND: "k8s" })).toThrow(/WAVE_SANDBOX_BACKEND must be docker or actions/);
  });

  it("takes GitHub's issuer, GHES's under GHE_HOST, or the configured one; plain http only on loopback", () => {
    expect(actionsIssuer({})).toBe(GITHUB_ACTIONS_ISSUER);
    expect(actionsIssuer({ GHE_HOST: "ghe.example.com" })).toBe("https://ghe.example.com/_services/token");
    expect(actionsIssuer({ WAVE_ACTIONS_OIDC_ISSUER: "http://127.0.0.1:4000/" })).toBe("http://127.0.0.1:4000");
    expect(() => actionsIssuer({ WAVE_ACTIONS_OIDC_ISSUER: "http://issuer.example" })).toThrow(/must use https/);
  });

  it("needs an https app URL (loopback http for tests); the audience defaults to it", () => {
    expect(actionsSettingsFromEnv({ WAVE_APP_URL: "https://wave.example.com/" })).toMatchObject({
      appUrl: "https://wave.example.com",
      audience: "https://wave.example.com",
      heartbeatMs: 10_000,
    });
    expect(actionsSettingsFromEnv({ WAVE_APP_URL: "http://127.0.0.1:3000", WAVE_ACTIONS_OIDC_AUDIENCE: "wave" }).audience).toBe("wave");
    expect(() => actionsSettingsFromEnv({ WAVE_APP_URL: "http://wave.example.com" })).toThrow(/WAVE_APP_URL must use https/);
    expect(() => actionsSettingsFromEnv({})).toThrow(/WAVE_APP_URL is not set/);
    expect(() => actionsSettingsFromEnv({ WAVE_APP_URL: "https://w.example", WAVE_RUNNER_HEARTBEAT_SECONDS: "90" })).toThrow(
      /WAVE_RUNNER_HEARTBEAT_SECONDS/,
    );
  });
});

describe("the workflow template (docs/wave-runner.yml, printed by npm run doctor)", () => {
  it("runs on the app's dispatch with only the OIDC token and read access, using the action, pinned to this app", () => {
    const wf = parse(workflowTemplate("https://wave.acme.example")) as {
      on: { repository_dispatch: { types: string[] } };
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    expect(wf.on).toEqual({ repository_dispatch: { types: ["wave-runner"] } });
    expect(wf.permissions).toEqual({ "id-token": "write", contents: "read" });
    const step = Object.values(wf.jobs)[0]?.steps.find((s) => s.uses?.includes("/action@"));
    expect(step?.with?.["app-url"]).toBe("https://wave.acme.example");
  });

  it("is printed by the doctor only when the actions backend is on", () => {
    expect(actionsDoctor({})).toEqual({ checks: [] });
    const on = actionsDoctor({ WAVE_APP_URL: "https://wave.acme.example" });
    expect(on.checks[0]).toMatchObject({ ok: true });
    expect(on.template).toContain("app-url: https://wave.acme.example");
    expect(actionsDoctor({ WAVE_SANDBOX_BACKEND: "actions" }).checks[0]).toMatchObject({
      ok: false,
      fix: expect.stringContaining("WAVE_APP_URL"),
    });
  });
});
