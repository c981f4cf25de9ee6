import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { spawnApp, type AppProcess } from "../support/app-process.js";
import { freshDatabase } from "../support/db.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { startFakeOidcIssuer, type FakeOidcIssuer } from "../support/fake-oidc-issuer.js";
import { waitFor } from "../support/test-keys.js";

let db: { url: string; drop: () => Promise<void> };
let github: FakeGitHub;
let issuer: FakeOidcIssuer;
let app: AppProcess | undefined;
const APP_URL = "http://127.0.0.1:9";

beforeAll(async () => {
  db = await freshDatabase();
  github = await startFakeGitHub();
  issuer = await startFakeOidcIssuer();
  app = await spawnApp({
    databaseUrl: db.url,
    githubHost: github.host,
    env: {
      // No Docker on this deployment: every sandbox goes to Actions runners.
      DOCKER_HOST: "unix:///nonexistent/docker.sock",
      WAVE_SANDBOX_SETUP: "skip",
      WAVE_SANDBOX_BACKEND: "actions",
      WAVE_APP_URL: APP_URL,
      WAVE_ACTIONS_OIDC_ISSUER: issuer.issuer,
      LOG_LEVEL: "info",
    },
  });
}, 120_000);
afterAll(async () => {
  await app?.stop();
  await issuer?.close();
  await github?.close();
  await db?.drop();
});

it("npm start with WAVE_SANDBOX_BACKEND=actions and no Docker serves the runner protocol and refuses what was never dispatched", async () => {
  if (!app) throw new Error("no app");
  const sessions = `http://127.0.0.1:${app.port}/wave/runner/sessions`;
  const bare = await fetch(sessions, { method: "POST", body: JSON.stringify({ job_id: "x" }) });
  expect(bare.status).toBe(401);
  expect(await bare.text()).toContain("No OIDC token");
  const job = randomUUID();
  const token = await issuer.mint({
    claims: { repository: "o/r", repository_id: "1", workflow_ref: "o/r/.github/workflows/wave-runner.yml@main" },
    audience: APP_URL,
  });
  const refused = await fetch(sessions, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify({ job_id: job }),
  });
  expect(refused.status).toBe(403);
  expect(await refused.text()).toBe(`No job ${job} was dispatched by this app; a token for it is refused.\n`);
  // The app's log lines reach its stdout a moment after the answer.
  const running = app;
  await waitFor(async () => running.output().includes(`No job ${job} was dispatched`), 20_000, "the refusal in the app's log");
  expect(app.output()).toContain("actions runner backend on");
  // The webhook endpoint and the rest of the app are unaffected by the extra routes.
  expect((await fetch(`http://127.0.0.1:${app.port}/ping`)).ok).toBe(true);
});
