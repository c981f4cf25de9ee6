import type { EgressLogEntry } from "../egress/egress-proxy.js";
import { WaveError } from "../errors.js";
import type { Workspace } from "../sandbox/runner.js";
import type { DiskCache } from "../cache/index.js";
import { detectSetup, type SetupPlan } from "../sandbox/setup/detect-setup.js";
import { DEPENDENCY_FILES } from "../sandbox/setup/ecosystems.js";
import { installDependencies, type InstallOutcome } from "../sandbox/setup/install-dependencies.js";
import { readRootFiles } from "../sandbox/setup/root-files.js";
import { setupKey } from "../sandbox/setup/setup-key.js";
import type { StoryRow } from "../store/stories.js";
import type { StoredChange } from "./story-change.js";
import type { GateDeps } from "./gate-context.js";
import type { ReadStream } from "node:fs";
import type { Readable } from "node:stream";

/** What the setup phase needs from the host: the dependency cache, the image's id, the operator's registry credentials. */
export interface SetupDeps {
  /** The host's bounded, evicting dependency cache (src/cache), shared by the replicas on the host. */
  cache: DiskCache;
  /**
   * The content id (not the tag) of the sandbox image the setup runs in — `image`, or the host's
   * default when absent — so a rebuilt or different image never reuses another's install.
   */
  imageId(image?: string): Promise<string>;
  /** Host → Authorization header (WAVE_EGRESS_AUTH), added by the egress proxy, never seen by a sandbox. */
  auth?: Record<string, string>;
}

/** The installed dependencies ready to restore into an agent's workspace. */
export interface PreparedDependencies {
  /** The archive, opened (eviction after this cannot take it from the reader). */
  archive: ReadStream;
  plan: SetupPlan;
  key: string;
  /** Restored from the cache rather than installed now. */
  cached: boolean;
  install?: InstallOutcome;
}

/** The setup command failed: the story holds with its exit code and the end of its log. */
export class SetupFailed extends WaveError {
  constructor(
    readonly outcome: InstallOutcome,
    command: string,
  ) {
    const refused = [...new Set(outcome.egress.filter((e) => !e.allowed).map((e) => e.host))];
    super(
      `the setup phase failed: \`${command}\` ${outcome.timedOut ? "timed out" : `exited with ${outcome.exitCode}`} after ${(outcome.durationMs / 1000).toFixed(1)} s` +
        (refused.length > 0 ? `; the egress proxy refused ${refused.join(", ")} (not an allowed registry)` : "") +
        `. Log tail:\n${outcome.logTail}`,
      { hint: "Fix the lockfile or set `sandbox.setup_command` (and `sandbox.registries`) in .github/wave.yml, then `/wave retry`." },
    );
  }
}

/**
 * The setup phase for one gate: decides the install from the base commit's dependency files with
 * the kept change's versions of them laid over (an agent's lockfile change is installed through
 * the same path), then restores it from the cache or installs it in a separate setup sandbox that
 * alone gets the egress channel. Null when the repository has nothing to install.
 */
export async function prepareDependencies(
  deps: GateDeps & { setup: SetupDeps },
  story: StoryRow,
  jobId: string,
  tarball: () => Promise<Readable>,
  change: StoredChange | null,
  /** The story's image variant (`sandbox.image`), when not the host's default. */
  image?: string,
): Promise<PreparedDependencies | null> {
  const { names, contents } = await readRootFiles(await tarball(), (name) => DEPENDENCY_FILES.has(name));
  const overlay = changedDependencyFiles(change);
  for (const [name, content] of overlay) {
    if (content === null) {
      names.delete(name);
      contents.delete(name);
    } else {
      names.add(name);
      contents.set(name, content);
    }
  }
  const sandbox = story.config.sandbox;
  const plan = detectSetup(names, {
    setupCommand: sandbox.setup_command,
    scriptPackages: sandbox.setup_scripts,
    registries: sandbox.registries,
  });
  if (!plan) return null;
  const key = setupKey(plan, contents, await deps.setup.imageId(image));
  const hit = await deps.setup.cache.open(key);
  if (hit) {
    deps.log.info({ storyId: story.id, key, ecosystems: plan.ecosystems }, "setup: dependencies restored from the cache");
    return { archive: hit, plan, key, cached: true };
  }

  let install: InstallOutcome | undefined;
  await deps.setup.cache.put(key, async (tmp) => {
    const ws = await deps.runner.createWorkspace(
      { storyId: story.id, jobId, limits: sandbox, ...(image ? { image } : {}) },
      await tarball(),
    );
    try {
      await writeOverlay(ws, overlay);
      install = await installDependencies(ws, plan, tmp, {
        timeoutMs: sandbox.setup_timeout_seconds * 1000,
        ...(deps.setup.auth ? { auth: deps.setup.auth } : {}),
        onEgress: (entry: EgressLogEntry) =>
          (entry.allowed ? deps.log.info.bind(deps.log) : deps.log.warn.bind(deps.log))(
            { storyId: story.id, egress: entry },
            entry.allowed ? "setup egress" : "setup egress refused",
          ),
      });
    } finally {
      await ws.destroy();
    }
    if (install.exitCode !== 0) throw new SetupFailed(install, plan.command);
  });
  deps.log.info({ storyId: story.id, key, ecosystems: plan.ecosystems, durationMs: install?.durationMs }, "setup: dependencies installed");
  const archive = await deps.setup.cache.open(key);
  if (!archive)
    throw new WaveError(`The dependency archive ${key.slice(0, 12)} was evicted as soon as it was stored.`, {
      hint: "Raise WAVE_DEPENDENCY_CACHE_MB: the dependency cache is smaller than one repository's dependencies.",
    });
  return { archive, plan, key, cached: false, ...(install ? { install } : {}) };
}

/** Root dependency files the kept change added, modified (content) or deleted (null). */
function changedDependencyFiles(change: StoredChange | null): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>();
  for (const file of change?.files ?? []) {
    if (file.previousPath && DEPENDENCY_FILES.has(file.previousPath)) out.set(file.previousPath, null);
    if (!DEPENDENCY_FILES.has(file.path)) continue;
    out.set(file.path, file.status === "deleted" ? null : (file.content ?? Buffer.alloc(0)));
  }
  return out;
}

async function writeOverlay(ws: Workspace, overlay: Map<string, Buffer | null>): Promise<void> {
  for (const [name, content] of overlay) {
    if (content === null) await ws.exec(["rm", "-f", "--", name]);
    else await ws.writeFile(name, content);
  }
}
