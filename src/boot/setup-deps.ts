import { resolve } from "node:path";
import { diskCache } from "../cache/index.js";
import { WaveError } from "../errors.js";
import type { SetupDeps } from "../gates/setup-phase.js";
import type { DockerRunner } from "../sandbox/docker-runner.js";

/**
 * The setup phase's host side from the operator's environment: the dependency cache under
 * WAVE_DATA_DIR (WAVE_DEPENDENCY_CACHE_MB, default 4096, shared by every replica on the host) and
 * the private registries' credentials, WAVE_EGRESS_AUTH = `{"npm.internal.example": "Bearer …"}`,
 * which only the egress proxy ever reads.
 */
export function setupDepsFromEnv(env: NodeJS.ProcessEnv, runner: DockerRunner): SetupDeps {
  const maxMb = Number(env.WAVE_DEPENDENCY_CACHE_MB ?? 4096);
  if (!Number.isFinite(maxMb) || maxMb < 64)
    throw new WaveError(
      `WAVE_DEPENDENCY_CACHE_MB must be a number of MiB, at least 64 (got ${JSON.stringify(env.WAVE_DEPENDENCY_CACHE_MB)}).`,
    );
  const ids = new Map<string, Promise<string>>();
  return {
    cache: diskCache({ dir: resolve(env.WAVE_DATA_DIR ?? ".wave", "dependencies"), maxBytes: maxMb * 1024 * 1024 }),
    imageId: (image = runner.policy.image) => {
      let id = ids.get(image);
      if (!id) {
        id = runner.docker
          .getImage(image)
          .inspect()
          .then((i) => i.Id);
        // A failed lookup (image being rebuilt) is asked again next time.
        id.catch(() => ids.delete(image));
        ids.set(image, id);
      }
      return id;
    },
    ...(env.WAVE_EGRESS_AUTH ? { auth: parseEgressAuth(env.WAVE_EGRESS_AUTH) } : {}),
  };
}

function parseEgressAuth(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new WaveError(
      'WAVE_EGRESS_AUTH is not JSON; give an object of registry host → Authorization header, e.g. {"npm.internal.example": "Bearer …"}.',
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== "string")) {
    throw new WaveError("WAVE_EGRESS_AUTH must map each registry host to an Authorization header string.");
  }
  return Object.fromEntries(Object.entries(parsed as Record<string, string>).map(([host, value]) => [host.toLowerCase(), value]));
}
