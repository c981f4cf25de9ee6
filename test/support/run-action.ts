import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ACTION_ENTRY = fileURLToPath(new URL("../../action/dist/index.js", import.meta.url));

/** The runner's own credentials, set as Actions sets them, so a test can look for them inside the sandbox. */
export const RUNNER_GITHUB_TOKEN = "ghs_runnerOwnTokenThatMustNotLeak0000";

export interface ActionRun {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/**
 * Runs the bundled action the way the Actions runner does: `node action/dist/index.js` with the
 * `GITHUB_*` variables, every input as `INPUT_<NAME>` (action.yml's defaults unless given), the
 * event payload at `GITHUB_EVENT_PATH`, and the OIDC request variables of the job.
 */
export function runAction(options: {
  repository: string;
  runId: number;
  payload: { job_id: string; app_url: string };
  oidc: { requestUrl: string; requestToken: string };
  inputs?: Record<string, string>;
}): ActionRun {
  const dir = mkdtempSync(join(tmpdir(), "wave-action-"));
  const eventPath = join(dir, "event.json");
  writeFileSync(
    eventPath,
    JSON.stringify({
      action: "wave-runner",
      branch: "main",
      client_payload: options.payload,
      repository: { full_name: options.repository },
    }),
  );
  const inputs: Record<string, string> = {
    "app-url": "",
    audience: "",
    image: process.env.WAVE_SANDBOX_IMAGE ?? "wave-runner:latest",
    pull: "false",
    "image-version": "",
    runtime: "runsc",
    "install-runsc": "true",
    ...options.inputs,
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/root",
    ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
    CI: "true",
    GITHUB_ACTIONS: "true",
    GITHUB_EVENT_NAME: "repository_dispatch",
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: options.repository,
    GITHUB_RUN_ID: String(options.runId),
    GITHUB_RUN_ATTEMPT: "1",
    GITHUB_WORKFLOW_REF: `${options.repository}/.github/workflows/wave-runner.yml@refs/heads/main`,
    GITHUB_TOKEN: RUNNER_GITHUB_TOKEN,
    RUNNER_TEMP: dir,
    ACTIONS_ID_TOKEN_REQUEST_URL: options.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.oidc.requestToken,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
  const child = spawn(process.execPath, [ACTION_ENTRY], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, output: () => out, exited };
}
