/**
 * `npm run doctor`: is this host ready to run sandboxes? Checks that Docker answers, that the
 * gVisor runtime is registered and really in use (the kernel seen inside the sandbox is
 * gVisor's), and that the sandbox image, and every image offered in WAVE_SANDBOX_IMAGES, exists
 * and matches the recipe. Prints the command that fixes each failure, then every image variant
 * with its size or the command that builds it; exits non-zero when anything failed.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { userMessage } from "../errors.js";
import { createDockerClient, dockerEndpoint } from "../sandbox/docker-client.js";
import { createDockerRunner } from "../sandbox/docker-runner.js";
import { FIX_COMMANDS } from "../sandbox/docker-errors.js";
import { BASE_IMAGE, IMAGE_VARIANTS, parseImageAllowlist, variantTag, type ImageAllowlist } from "../sandbox/image-allowlist.js";
import { sandboxPolicyFromEnv } from "../sandbox/policy.js";
import { checkSandboxReady } from "../sandbox/readiness.js";
import { appGitHubFromEnv } from "../onboarding/app-github-from-env.js";
import { installationChecks } from "../onboarding/installation-doctor.js";
import { buildCommand, renderImageTable, type ImageRow } from "./image-table.js";
import { actionsDoctor } from "./actions-doctor.js";

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
  checks.push(
    dockerProblem
      ? { name: "Docker answers", ok: false, detail: dockerProblem.message, fix: dockerProblem.fix }
      : { name: "Docker answers", ok: true, detail: dockerEndpoint(env) },
  );
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
  checks.push(...(await offeredImageChecks(env)));
  if (runtimeProblem || imageProblem) return checks;

  checks.push(await gvisorInUse(env));
  return checks;
}

/** WAVE_SANDBOX_IMAGES, or the check that says what is wrong with it. */
function allowlistOf(env: NodeJS.ProcessEnv): { allowlist: ImageAllowlist } | { check: Check } {
  try {
    return { allowlist: parseImageAllowlist(env.WAVE_SANDBOX_IMAGES, sandboxPolicyFromEnv(env).image) };
  } catch (error) {
    return {
      check: { name: "WAVE_SANDBOX_IMAGES", ok: false, detail: userMessage(error), fix: "correct that entry of WAVE_SANDBOX_IMAGES" },
    };
  }
}

/** Every image beyond the default that repositories may choose must be built, and current when it is one of WAVE's variants. */
async function offeredImageChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const parsed = allowlistOf(env);
  if ("check" in parsed) return [parsed.check];
  const rows = await imageRows(env, parsed.allowlist);
  return rows
    .filter((r) => r.allowed && r.name !== BASE_IMAGE)
    .map((r): Check => {
      const name = `image ${r.ref} (sandbox.image: ${r.name})`;
      if (!r.built) return { name, ok: false, detail: "offered in WAVE_SANDBOX_IMAGES but not built", fix: r.build };
      const current = r.recipeVersion === undefined || r.recipeVersion === r.built.version;
      return current
        ? { name, ok: true, detail: `version ${r.built.version ?? "(none)"}, ${Math.round(r.built.bytes / 1e6)} MB` }
        : {
            name,
            ok: false,
            detail: `version ${r.built.version ?? "(none)"}, but the recipe in runner-image/ is ${r.recipeVersion}`,
            fix: r.build,
          };
    });
}

/**
 * The default image, each of WAVE's variants (under the tag WAVE_SANDBOX_IMAGES gives it, else
 * its default tag) and any other image the host offers: built or not, size, version.
 */
export async function imageRows(env: NodeJS.ProcessEnv, allowlist?: ImageAllowlist): Promise<ImageRow[]> {
  const policy = sandboxPolicyFromEnv(env);
  const docker = createDockerClient(env);
  const offered = allowlist ?? parseImageAllowlist(env.WAVE_SANDBOX_IMAGES, policy.image);
  const names = [
    BASE_IMAGE,
    ...IMAGE_VARIANTS,
    ...[...offered.keys()].filter((n) => n !== BASE_IMAGE && !(IMAGE_VARIANTS as readonly string[]).includes(n)),
  ];
  return Promise.all(
    names.map(async (name): Promise<ImageRow> => {
      const variant = name === BASE_IMAGE ? null : (IMAGE_VARIANTS as readonly string[]).includes(name) ? name : undefined;
      const ref = offered.get(name) ?? (variant ? variantTag(variant) : policy.image);
      const info = await docker
        .getImage(ref)
        .inspect()
        .catch(() => null);
      return {
        name,
        ref,
        allowed: offered.has(name),
        built: info ? { bytes: info.Size, version: info.Config.Labels?.["wave.image.version"] } : null,
        recipeVersion: variant === undefined ? undefined : await recipeVersion(variant),
        build:
          variant === undefined
            ? `build ${ref} from the recipe in runner-image/`
            : buildCommand(variant, ref, variant ? variantTag(variant) : "wave-runner:latest"),
      };
    }),
  );
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
      if (/gVisor/.test(kernel.stdout))
        return { name, ok: true, detail: firstLine(kernel.stdout.split("\n").find((l) => l.includes("gVisor")) ?? "") };
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

async function recipeVersion(variant: string | null = null): Promise<string | undefined> {
  const script = new URL("../../runner-image/build.sh", import.meta.url).pathname;
  if (!existsSync(script)) return undefined;
  const { stdout } = await promisify(execFile)("bash", [script, "--print-version", ...(variant ? ["--variant", variant] : [])]);
  return stdout.trim();
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

function render(checks: Check[]): string {
  return checks.map((c) => `${c.ok ? "ok  " : "FAIL"} ${c.name}: ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ""}`).join("\n");
}

/** The installation check: needs the app's credentials; without them, says how to register the app. */
export async function doctorInstallations(env: NodeJS.ProcessEnv = process.env): Promise<Check[]> {
  const github = await appGitHubFromEnv(env).catch((error: unknown) => error as Error);
  if (github instanceof Error)
    return [
      {
        name: "installations",
        ok: false,
        detail: userMessage(github),
        fix: "Check PRIVATE_KEY (or PRIVATE_KEY_PATH): it must be the app's PEM private key.",
      },
    ];
  if (!github)
    return [
      {
        name: "installations",
        ok: true,
        detail: "not checked: no APP_ID and PRIVATE_KEY (run `npm start` and register the app first, see README)",
      },
    ];
  try {
    return await installationChecks(github);
  } catch (error) {
    return [
      {
        name: "installations",
        ok: false,
        detail: userMessage(error),
        fix: "Check APP_ID and PRIVATE_KEY (and GHE_HOST for GitHub Enterprise Server) against the app's settings page.",
      },
    ];
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const actions = actionsDoctor(process.env);
  const checks = [...(await doctor()), ...actions.checks, ...(await doctorInstallations())];
  console.log(render(checks));
  if (actions.template)
    console.log(
      `\nRepositories with sandbox.backend: actions need this workflow as .github/workflows/wave-runner.yml:\n\n${actions.template}`,
    );
  const rows = await imageRows(process.env).catch(() => null);
  if (rows) console.log(renderImageTable(rows));
  const failed = checks.filter((c) => !c.ok).length;
  console.log(
    failed === 0
      ? "wave doctor: the sandbox and the installations are ready."
      : `wave doctor: ${failed} problem(s); run the fix commands above, then npm run doctor again.`,
  );
  process.exitCode = failed === 0 ? 0 : 1;
}
