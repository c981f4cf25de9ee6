import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as core from "@actions/core";
import { isLoopback } from "../../src/oidc/actions-issuer.js";
import type { DispatchPayload } from "../../src/runner-actions/protocol.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { ensureImage } from "./image.js";
import { serve, SessionRefused } from "./runner-client.js";
import { dockerRuntimes, ensureRunsc, runscState } from "./runsc.js";

/** Variables of the runner's own credentials: read once by this process, never passed on (the sandbox gets only what the app sends). */
const RUNNER_SECRETS = ["ACTIONS_ID_TOKEN_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_RUNTIME_TOKEN", "GITHUB_TOKEN"];

/**
 * The WAVE runner action: serves one job the app dispatched (`repository_dispatch`, type `wave-runner`).
 * It proves itself to the app with the job's OIDC token and then only executes the app's operations in
 * the local Docker + gVisor sandbox, with the same hardening as the app's own Docker backend (its code,
 * bundled). The model loop and every credential stay in the app.
 */
async function main(): Promise<void> {
  const event = readEvent();
  if (process.env.GITHUB_EVENT_NAME !== "repository_dispatch")
    throw new Error(
      `This action serves WAVE's repository_dispatch jobs; this run was triggered by ${process.env.GITHUB_EVENT_NAME ?? "?"}.`,
    );
  const jobId = event.client_payload?.job_id;
  const payloadUrl = event.client_payload?.app_url;
  if (typeof jobId !== "string" || !jobId) throw new Error("The dispatch carries no client_payload.job_id; it did not come from WAVE.");
  const pinned = core.getInput("app-url").trim();
  const appUrl = checkAppUrl(pinned || String(payloadUrl ?? ""));
  if (pinned && payloadUrl && checkAppUrl(String(payloadUrl)) !== appUrl)
    throw new Error(`The dispatch names app ${String(payloadUrl)}, but this workflow serves ${appUrl} (app-url input); refused.`);

  const runtime = core.getInput("runtime").trim() || "runsc";
  if (runtime === "runsc") {
    if (core.getBooleanInput("install-runsc")) await ensureRunsc((m) => core.info(m));
    else if (runscState(await dockerRuntimes()) !== "ready")
      throw new Error("gVisor (runsc) is not registered with Docker with --network=none, and install-runsc is false.");
  }
  const image = core.getInput("image").trim() || "wave-runner:latest";
  const here = dirname(fileURLToPath(import.meta.url));
  await ensureImage({
    image,
    pull: core.getBooleanInput("pull"),
    expectedVersion: core.getInput("image-version").trim() || undefined,
    recipeDir: join(here, "..", "..", "runner-image"),
    log: (m) => core.info(m),
  });

  const audience = core.getInput("audience").trim() || appUrl;
  // getIDToken masks the token in the job's log itself.
  const token = await core.getIDToken(audience);
  for (const name of RUNNER_SECRETS) delete process.env[name];

  const runner = createDockerRunner({ instance: `actions-${process.env.GITHUB_RUN_ID ?? "local"}`, policy: { image, runtime } });
  // Warm the Docker client (its connection and code paths) before the app starts the clock on the first operation.
  await runner.docker.ping();
  await runner.docker.getImage(image).inspect();
  const stop = () => core.warning("The job is being cancelled; the sandbox goes with it.");
  process.once("SIGTERM", stop);
  const result = await serve({
    appUrl,
    jobId,
    token,
    runner,
    log: { info: (m) => core.info(m), warning: (m) => core.warning(m) },
    onSecret: (s) => core.setSecret(s),
  });
  core.info(`Job ${jobId} served: ${result.operations} operations.`);
}

function readEvent(): { client_payload?: Partial<DispatchPayload> } {
  const path = process.env.GITHUB_EVENT_PATH;
  if (!path) throw new Error("GITHUB_EVENT_PATH is not set; this action runs inside a GitHub Actions job.");
  return JSON.parse(readFileSync(path, "utf8")) as { client_payload?: Partial<DispatchPayload> };
}

function checkAppUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`The app's URL ${JSON.stringify(raw)} is not a URL (app-url input or the dispatch's app_url).`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname)))
    throw new Error(`The app's URL must use https (plain http only on loopback); got ${raw}.`);
  return url.toString().replace(/\/+$/, "");
}

main().catch((error: unknown) => {
  const message = error instanceof SessionRefused || error instanceof Error ? error.message : String(error);
  core.setFailed(message);
});
