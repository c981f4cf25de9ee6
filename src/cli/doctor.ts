/**
 * `npm run doctor`: is this host ready to run sandboxes? Checks that Docker answers, that the
 * gVisor runtime is registered and really in use (the kernel seen inside the sandbox is
 * gVisor's), and that the sandbox image exists and matches the recipe. Prints the command that
 * fixes each failure; exits non-zero when anything failed.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { userMessage } from "../errors.js";
import { createDockerClient, dockerEndpoint } from "../sandbox/docker-client.js";
import { createDockerRunner } from "../sandbox/docker-runner.js";
import { FIX_COMMANDS } from "../sandbox/docker-errors.js";
import { sandboxPolicyFromEnv } from "../sandbox/policy.js";
import { checkSandboxReady } from "../sandbox/readiness.js";
import { appGitHubFromEnv } from "../onboarding/app-github-from-env.js";
import { installationChecks } from "../onboarding/installation-doctor.js";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export async function doctor(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const policy = sandboxPolicyFromEnv(env);
  const docker = createDockerClient(env);
  const checks: Check[] = [];
  const readiness = await checkSandboxReady(docker, policy);
  const problem = (check: "docker" | "runtime" | "image") => readiness.problems.find((p) => p.check === check);

  const dockerProblem = problem("docker");
  checks.push(dockerProblem ? { name: "Docker answers", ok: false, detail: dockerProblem.message, fix: dockerProblem.fix } : { name: "Docker answers", ok: true, detail: dockerEndpoint(env) });
  if (dockerProblem) return checks;

  const runtimeProblem = problem("runtime");
  checks.push(
    runtimeProblem
      ? { name: `runtime ${policy.runtime} registered`, ok: false, detail: runtimeProblem.message, fix: runtimeProblem.fix }
      : { name: `runtime ${policy.runtime} registered`, ok: true, detail: "listed by docker info" },
  );

  const imageProblem = problem("image");
  if (imageProblem) {
    checks.push({ name: `image ${policy.image}`, ok: false, detail: imageProblem.message, fix: imageProblem.fix });
  } else {
    const expected = await recipeVersion();
    const actual = readiness.imageVersion ?? "(no version label)";
    const current = expected === undefined || expected === actual;
    checks.push({
      name: `image ${policy.image}`,
      ok: current,
      detail: current ? `version ${actual}` : `version ${actual}, but the recipe in runner-image/ is ${expected}`,
      ...(current ? {} : { fix: FIX_COMMANDS.build }),
    });
  }
  if (runtimeProblem || imageProblem) return checks;

  checks.push(await gvisorInUse(env));
  return checks;
}

/** Starts a real sandbox and looks at the kernel it sees: gVisor's `dmesg` says so. */
async function gvisorInUse(env: NodeJS.ProcessEnv): Promise<Check> {
  const name = "sandbox runs under gVisor";
  const runner = createDockerRunner({ instance: "doctor", policy: sandboxPolicyFromEnv(env), docker: createDockerClient(env) });
  try {
    const emptyTar = Readable.from([Buffer.alloc(1024)]);
    const workspace = await runner.createWorkspace({ storyId: "doctor", jobId: `doctor-${process.pid}`, deadlineMs: 60_000 }, emptyTar);
    try {
      const kernel = await workspace.exec(["sh", "-c", "dmesg; cat /proc/version"], { timeoutMs: 20_000 });
      if (/gVisor/.test(kernel.stdout)) return { name, ok: true, detail: firstLine(kernel.stdout.split("\n").find((l) => l.includes("gVisor")) ?? "") };
      return {
        name,
        ok: false,
        detail: `the kernel inside is not gVisor: ${firstLine(kernel.stdout.split("\n").at(-2) ?? kernel.stderr)}`,
        fix: `${FIX_COMMANDS.setup}  (and make sure WAVE_SANDBOX_RUNTIME is unset or runsc)`,
      };
    } finally {
      await workspace.destroy();
    }
  } catch (error) {
    return { name, ok: false, detail: userMessage(error), fix: FIX_COMMANDS.setup };
  }
}

async function recipeVersion(): Promise<string | undefined> {
  const script = new URL("../../runner-image/build.sh", import.meta.url).pathname;
  if (!existsSync(script)) return undefined;
  const { stdout } = await promisify(execFile)("bash", [script, "--print-version"]);
  return stdout.trim();
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

function render(checks: Check[]): string {
  return checks
    .map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ""}`)
    .join("\n");
}

/** The installation check: needs the app's credentials; without them, says how to register the app. */
export async function doctorInstallations(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const github = await appGitHubFromEnv(env).catch((error: unknown) => error as Error);
  if (github instanceof Error) return [{ name: "installations", ok: false, detail: userMessage(github), fix: "Check PRIVATE_KEY (or PRIVATE_KEY_PATH): it must be the app's PEM private key." }];
  if (!github) return [{ name: "installations", ok: true, detail: "not checked: no APP_ID and PRIVATE_KEY (run `npm start` and register the app first, see README)" }];
  try {
    return await installationChecks(github);
  } catch (error) {
    return [{ name: "installations", ok: false, detail: userMessage(error), fix: "Check APP_ID and PRIVATE_KEY (and GHE_HOST for GitHub Enterprise Server) against the app's settings page." }];
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const checks = [...(await doctor()), ...(await doctorInstallations())];
  console.log(render(checks));
  const failed = checks.filter((c) => !c.ok).length;
  console.log(failed === 0 ? "wave doctor: the sandbox and the installations are ready." : `wave doctor: ${failed} problem(s); run the fix commands above, then npm run doctor again.`);
  process.exitCode = failed === 0 ? 0 : 1;
}
