import type { Log } from "../engine/deps.js";
import { WaveError } from "../errors.js";
import { actionsIssuer, isLoopback } from "../oidc/actions-issuer.js";
import { actionsTokenVerifier } from "../oidc/verify-actions-token.js";
import { appendAudit } from "../store/audit.js";
import type { Pool } from "../store/db.js";
import { RunnerHub, type HubEvent } from "./runner-hub.js";
import { runnerRoutes } from "./runner-routes.js";

/**
 * The app's runner hub and its routes from the operator's environment: `WAVE_APP_URL` (the public URL
 * runners dial; https unless loopback), `WAVE_ACTIONS_OIDC_ISSUER` / `GHE_HOST` (the token issuer),
 * `WAVE_ACTIONS_OIDC_AUDIENCE` (default: the app's URL) and `WAVE_RUNNER_HEARTBEAT_SECONDS` (default 10;
 * a runner is lost after three missed heartbeats, so within 30 s).
 */
export function actionsBackendFromEnv(env: NodeJS.ProcessEnv, deps: { pool: Pool; log: Log }) {
  const settings = actionsSettingsFromEnv(env);
  const hub = new RunnerHub({
    verifier: actionsTokenVerifier({ issuer: settings.issuer, audience: settings.audience }),
    heartbeatMs: settings.heartbeatMs,
    onEvent: hubAuditor(deps),
  });
  return { ...settings, hub, routes: runnerRoutes(hub, deps.log) };
}

/** The actions backend's settings from the environment, checked (each bad value a WaveError saying which variable). */
export function actionsSettingsFromEnv(env: NodeJS.ProcessEnv): { appUrl: string; issuer: string; audience: string; heartbeatMs: number } {
  const appUrl = checkedAppUrl(env.WAVE_APP_URL);
  const heartbeat = Number(env.WAVE_RUNNER_HEARTBEAT_SECONDS ?? 10);
  if (!Number.isFinite(heartbeat) || heartbeat <= 0 || heartbeat > 20)
    throw new WaveError(
      `WAVE_RUNNER_HEARTBEAT_SECONDS must be a number of seconds above 0 and at most 20 (got ${env.WAVE_RUNNER_HEARTBEAT_SECONDS}).`,
    );
  return { appUrl, issuer: actionsIssuer(env), audience: env.WAVE_ACTIONS_OIDC_AUDIENCE?.trim() || appUrl, heartbeatMs: heartbeat * 1000 };
}

/** Refused and lost sessions go to the story's audit trail and the app's log (dispatches and connections are audited by the runner). */
export function hubAuditor(deps: { pool: Pool; log: Log }): (event: HubEvent) => void {
  return (event) => {
    if (event.kind === "opened") {
      deps.log.info({ storyId: event.job.storyId, runnerJob: event.job.jobId, runId: event.runId }, "runner session opened");
      return;
    }
    if (event.kind === "lost") {
      deps.log.warn({ storyId: event.job.storyId, runnerJob: event.job.jobId, runId: event.runId }, event.reason);
      return;
    }
    deps.log.warn({ runnerJob: event.jobId, storyId: event.storyId }, `runner session refused: ${event.reason}`);
    if (event.storyId)
      void appendAudit(deps.pool, {
        storyId: event.storyId,
        owner: null,
        actor: "wave",
        event: "RUNNER_REFUSED",
        fromState: null,
        toState: null,
        detail: { runner_job: event.jobId, reason: event.reason },
      }).catch(() => undefined);
  };
}

function checkedAppUrl(raw: string | undefined): string {
  if (!raw?.trim())
    throw new WaveError("WAVE_APP_URL is not set: the actions sandbox backend needs the app's public URL for runners to dial.");
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new WaveError(`WAVE_APP_URL is not a URL (${JSON.stringify(raw)}).`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname)))
    throw new WaveError(`WAVE_APP_URL must use https (plain http only on loopback, for tests); got ${raw}.`);
  return url.toString().replace(/\/+$/, "");
}
