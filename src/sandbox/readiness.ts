import type Docker from "dockerode";
import { SandboxUnavailable } from "../errors.js";
import { FIX_COMMANDS } from "./docker-errors.js";
import type { SandboxPolicy } from "./policy.js";

export interface ReadinessProblem {
  check: "docker" | "runtime" | "image";
  message: string;
  /** The exact command that fixes it. */
  fix: string;
}

export interface SandboxReadiness {
  ok: boolean;
  problems: ReadinessProblem[];
  /** The image's `wave.image.version` label when the image exists. */
  imageVersion?: string;
}

/**
 * What the app checks at boot: Docker answers, the policy's runtime is registered, the image
 * exists. Each problem carries the command that fixes it. Fast (three API calls, no container).
 */
export async function checkSandboxReady(docker: Docker, policy: Pick<SandboxPolicy, "image" | "runtime">): Promise<SandboxReadiness> {
  const problems: ReadinessProblem[] = [];
  let info: { Runtimes?: Record<string, unknown> };
  try {
    info = (await docker.info()) as { Runtimes?: Record<string, unknown> };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    problems.push({ check: "docker", message: `Docker does not answer (${detail}).`, fix: FIX_COMMANDS.setup });
    return { ok: false, problems };
  }
  if (!Object.hasOwn(info.Runtimes ?? {}, policy.runtime)) {
    problems.push({
      check: "runtime",
      message: `Docker has no runtime named "${policy.runtime}" (registered: ${Object.keys(info.Runtimes ?? {}).join(", ") || "none"}).`,
      fix: FIX_COMMANDS.setup,
    });
  }
  let imageVersion: string | undefined;
  try {
    const image = await docker.getImage(policy.image).inspect();
    imageVersion = image.Config.Labels?.["wave.image.version"];
  } catch {
    problems.push({ check: "image", message: `The sandbox image ${policy.image} is missing.`, fix: FIX_COMMANDS.build });
  }
  return { ok: problems.length === 0, problems, ...(imageVersion === undefined ? {} : { imageVersion }) };
}

/** Throws SandboxUnavailable naming the first fix when the sandbox cannot be used; for the app's boot. */
export async function assertSandboxReady(docker: Docker, policy: Pick<SandboxPolicy, "image" | "runtime">): Promise<void> {
  const readiness = await checkSandboxReady(docker, policy);
  if (readiness.ok) return;
  const message = readiness.problems.map((p) => p.message).join(" ");
  const fixes = [...new Set(readiness.problems.map((p) => p.fix))].join(" && ");
  throw new SandboxUnavailable(`The sandbox cannot run: ${message}`, { hint: `Run: ${fixes}` });
}
