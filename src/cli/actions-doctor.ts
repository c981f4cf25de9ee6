import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { userMessage } from "../errors.js";
import { actionsSettingsFromEnv } from "../runner-actions/actions-backend.js";
import { defaultBackendFromEnv } from "../runner-actions/backend-runner.js";

const TEMPLATE = fileURLToPath(new URL("../../docs/wave-runner.yml", import.meta.url));

/** The workflow repositories with `sandbox.backend: actions` need, with this app's URL filled in. */
export function workflowTemplate(appUrl: string | undefined): string {
  const text = readFileSync(TEMPLATE, "utf8");
  return appUrl ? text.replace("https://wave.example.com", appUrl) : text;
}

/**
 * `npm run doctor`'s part for the actions backend, when it is on (`WAVE_APP_URL` set or
 * `WAVE_SANDBOX_BACKEND=actions`): is the configuration usable, and the workflow to commit.
 */
export function actionsDoctor(env: NodeJS.ProcessEnv): {
  checks: { name: string; ok: boolean; detail: string; fix?: string }[];
  template?: string;
} {
  let backend;
  try {
    backend = defaultBackendFromEnv(env);
  } catch (error) {
    return {
      checks: [{ name: "sandbox backend", ok: false, detail: userMessage(error), fix: "Set WAVE_SANDBOX_BACKEND to docker or actions." }],
    };
  }
  if (!env.WAVE_APP_URL && backend !== "actions") return { checks: [] };
  try {
    const on = actionsSettingsFromEnv(env);
    return {
      checks: [
        {
          name: "actions runner backend",
          ok: true,
          detail: `runners dial ${on.appUrl}; tokens from ${on.issuer}, audience ${on.audience}; default backend ${backend}`,
        },
      ],
      template: workflowTemplate(on.appUrl),
    };
  } catch (error) {
    return {
      checks: [
        {
          name: "actions runner backend",
          ok: false,
          detail: userMessage(error),
          fix: "Set WAVE_APP_URL to the app's public https URL (docs/runner.md).",
        },
      ],
    };
  }
}
