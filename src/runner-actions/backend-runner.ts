import type { Readable } from "node:stream";
import { WaveError } from "../errors.js";
import type { Runner, Workspace, WorkspaceSpec } from "../sandbox/runner.js";

export type SandboxBackend = "docker" | "actions";

/** `WAVE_SANDBOX_BACKEND`: the backend of repositories whose `sandbox.backend` is unset (docker unless set). */
export function defaultBackendFromEnv(env: NodeJS.ProcessEnv): SandboxBackend {
  const raw = (env.WAVE_SANDBOX_BACKEND ?? "docker").trim().toLowerCase() || "docker";
  if (raw !== "docker" && raw !== "actions")
    throw new WaveError(`WAVE_SANDBOX_BACKEND must be docker or actions (got ${JSON.stringify(env.WAVE_SANDBOX_BACKEND)}).`);
  return raw;
}

/**
 * The Runner the gates use: each workspace goes to the backend the story's `sandbox.backend` names
 * (the limits the gate passes are that section), else to the app's default. A backend the app was
 * started without is a clear error, not a fallback: an app with no Docker runs actions stories only.
 */
export function backendRunner(backends: Partial<Record<SandboxBackend, Runner>>, fallback: SandboxBackend): Runner {
  return {
    createWorkspace(spec: WorkspaceSpec, tarball: Readable): Promise<Workspace> {
      const chosen = (spec.limits as { backend?: SandboxBackend | null } | undefined)?.backend ?? fallback;
      const runner = backends[chosen];
      if (!runner) {
        tarball.destroy();
        return Promise.reject(
          new WaveError(`This repository's sandbox.backend is ${chosen}, which this WAVE deployment does not offer.`, {
            hint:
              chosen === "actions"
                ? "The operator sets WAVE_APP_URL to enable the actions backend (docs/runner.md)."
                : "Use backend: actions.",
          }),
        );
      }
      return runner.createWorkspace(spec, tarball);
    },
  };
}
