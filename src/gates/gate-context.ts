import { buffer } from "node:stream/consumers";
import { modelDepsFor } from "../agents/deps.js";
import type { ModelDeps } from "../agents/model-call.js";
import type { EngineDeps } from "../engine/deps.js";
import { ModelUnavailable, userMessage } from "../errors.js";
import type { GitHubAuth } from "../engine/ports.js";
import { BASE_IMAGE, chooseImage, parseImageAllowlist } from "../sandbox/image-allowlist.js";
import { sandboxPolicyFromEnv } from "../sandbox/policy.js";
import type { Runner, Workspace } from "../sandbox/runner.js";
import { postgresVerdictStore } from "../safety/index.js";
import type { SafetyJudgeDeps } from "../safety/index.js";
import type { StoryRow } from "../store/stories.js";
import { baseTarball, resolveBase } from "./base-tarball.js";
import { restoreDependencies } from "../sandbox/setup/restore-dependencies.js";
import { prepareDependencies, type SetupDeps } from "./setup-phase.js";
import { tarballCache } from "./tarball-cache.js";
import { loadChange } from "./story-change.js";
import { mergeKeptChange, type KeptChangeMerge } from "./merge-kept-change.js";
import { replaceWorkspaceFiles } from "./replace-workspace-files.js";

/** What every gate worker needs. */
export interface GateDeps extends EngineDeps {
  github: GitHubAuth;
  runner: Runner;
  env: NodeJS.ProcessEnv;
  /** The host's cache directory (base tarballs under `tarballs/`), bounded by `WAVE_CACHE_MAX_MB`. */
  cacheDir: string;
  /** The setup phase (dependency install through the egress proxy, cached); without it no gate installs anything. */
  setup?: SetupDeps;
}

export function modelDeps(deps: GateDeps, story: StoryRow): ModelDeps {
  return modelDepsFor({ config: story.config, pool: deps.pool, storyId: story.id, repoId: story.repoId, env: deps.env });
}

/**
 * The model deps, or the gate's failure event when no model can be reached
 * (no key): the story holds at this gate saying so, instead of retrying.
 */
export function modelDepsOrFailure<T extends "PLAN_FAILED" | "PREFLIGHT_FAILED" | "BUILD_FAILED">(
  deps: GateDeps,
  story: StoryRow,
  failure: T,
): { model: ModelDeps; failed?: never } | { model?: never; failed: { type: T; by: string; reason: string } } {
  try {
    return { model: modelDeps(deps, story) };
  } catch (error) {
    if (error instanceof ModelUnavailable) return { failed: { type: failure, by: "wave", reason: userMessage(error) } };
    throw error;
  }
}

/** The scorer's metered model access, or null without a key: the safety layer then blocks whatever needs the scorer (fail closed). */
function scorerModel(deps: GateDeps, story: StoryRow): ModelDeps | null {
  try {
    return modelDeps(deps, story);
  } catch (error) {
    if (error instanceof ModelUnavailable) return null;
    throw error;
  }
}

export function safetyDeps(deps: GateDeps, story: StoryRow): SafetyJudgeDeps {
  return {
    config: story.config.safety,
    model: scorerModel(deps, story),
    store: postgresVerdictStore(deps.pool),
    domainPaths: story.story.domains.flatMap((d) => d.paths),
    workspaceRoot: "/workspace",
  };
}

/** The story's base commit: fixed once (at the plan gate), then the same for every later gate. */
export async function storyBase(deps: GateDeps, story: StoryRow): Promise<{ branch: string; sha: string }> {
  const row = await deps.pool.query(`SELECT base_sha, base_branch FROM stories WHERE id = $1`, [story.id]);
  const stored = row.rows[0] as { base_sha: string | null; base_branch: string | null } | undefined;
  if (stored?.base_sha && stored.base_branch) return { branch: stored.base_branch, sha: stored.base_sha };
  const octokit = await deps.github.forInstallation(story.installationId);
  // Intake stored the branch when it knew it (configured, or the payload's default branch).
  const base = await resolveBase(
    octokit,
    { owner: story.owner, repo: story.repo },
    story.config.base_branch ?? stored?.base_branch ?? null,
  );
  await deps.pool.query(`UPDATE stories SET base_sha = $2, base_branch = $3 WHERE id = $1 AND base_sha IS NULL`, [
    story.id,
    base.sha,
    base.branch,
  ]);
  return base;
}

/**
 * The image the repository chose with `sandbox.image`, checked against the host's allowlist
 * (`WAVE_SANDBOX_IMAGES`); undefined for the runner's default. Throws `ImageNotAllowed`, which
 * holds the story at once with what the host offers.
 */
export function storyImage(deps: Pick<GateDeps, "env">, story: Pick<StoryRow, "config">): string | undefined {
  const name = story.config.sandbox.image;
  if (name === null || name === BASE_IMAGE) return undefined;
  return chooseImage(name, parseImageAllowlist(deps.env.WAVE_SANDBOX_IMAGES, sandboxPolicyFromEnv(deps.env).image));
}

/** A story's sandbox and, when the kept change was made on an older base, how merging it onto the story's base went. */
export interface StoryWorkspace {
  ws: Workspace;
  /** Null when the change applied as it was (it was made on the story's base, or there is none). */
  merge: (KeptChangeMerge & { fromSha: string; toSha: string }) | null;
  /**
   * What the publish stacks on (`builtOnHead`): the PR head somebody else pushed whose files the
   * workspace holds instead of the kept change (`fromPullRequestHead`; the change exported from it
   * holds their commits and WAVE's), else the one the kept change was built from before, or null.
   */
  builtOnHead: string | null;
}

/**
 * The PR's head when it is a commit WAVE did not publish (a person pushed to WAVE's branch,
 * src/pull-requests/pr-synchronize.ts saved it) and the kept change was not built from it yet.
 */
async function othersHead(deps: GateDeps, storyId: string, change: { builtOnHead?: string | null } | null): Promise<string | null> {
  const res = await deps.pool.query(`SELECT head_sha, published_sha FROM stories WHERE id = $1`, [storyId]);
  const r = res.rows[0] as { head_sha: string | null; published_sha: string | null } | undefined;
  if (!r?.head_sha || !r.published_sha || r.head_sha === r.published_sha) return null;
  return change?.builtOnHead === r.head_sha ? null : r.head_sha;
}

/**
 * A fresh sandbox holding the story's base commit plus the change kept so
 * far. Gates never rely on a sandbox surviving between jobs: any replica can
 * pick up any gate. With `setup`, the repository's dependencies are installed
 * first (in a separate setup sandbox, or from the cache) and restored into it,
 * so the agent's sandbox never has a channel out; a failed setup throws SetupFailed.
 * A change kept on an older base than the story's (the base moved, docs/iteration.md) is
 * merged onto it three-way; only the build gate takes a merge with conflicts (`mergeConflicts`).
 */
export async function openWorkspace(deps: GateDeps, story: StoryRow, jobId: string, options: { setup?: boolean } = {}): Promise<Workspace> {
  return (await openStoryWorkspace(deps, story, jobId, options)).ws;
}

/** `openWorkspace`, also saying how the kept change was merged onto a newer base. */
export async function openStoryWorkspace(
  deps: GateDeps,
  story: StoryRow,
  jobId: string,
  options: { setup?: boolean; mergeConflicts?: boolean; fromPullRequestHead?: boolean } = {},
): Promise<StoryWorkspace> {
  const image = storyImage(deps, story);
  const base = await storyBase(deps, story);
  const octokit = await deps.github.forInstallation(story.installationId);
  const cache = tarballCache(deps.cacheDir, deps.env);
  const tarball = () =>
    baseTarball(octokit, cache, { owner: story.owner, repo: story.repo, sha: base.sha, capMb: story.config.sandbox.tarball_mb });
  const change = await loadChange(deps.pool, story.id);
  // Not over a moved base: the head's files sit on the old one and would undo the base's changes.
  const movedBase = change !== null && change.patch.trim() !== "" && change.baseSha !== base.sha;
  const pullRequestHead = options.fromPullRequestHead && !movedBase ? await othersHead(deps, story.id, change) : null;
  const setup = deps.setup;
  const prepared = options.setup && setup ? await prepareDependencies({ ...deps, setup }, story, jobId, tarball, change, image) : null;
  const stream = await tarball();
  // The stream holds an open file of the cache: close it when the sandbox never read it to the end.
  const ws = await deps.runner
    .createWorkspace({ storyId: story.id, jobId, limits: story.config.sandbox, ...(image ? { image } : {}) }, stream)
    .catch((error: unknown) => {
      stream.destroy();
      prepared?.archive.destroy();
      throw error;
    });
  let merge: StoryWorkspace["merge"] = null;
  try {
    if (pullRequestHead) {
      const head = await baseTarball(octokit, cache, {
        owner: story.owner,
        repo: story.repo,
        sha: pullRequestHead,
        capMb: story.config.sandbox.tarball_mb,
      });
      await replaceWorkspaceFiles(ws, await buffer(head));
    } else if (change && movedBase) {
      merge = { ...(await mergeKeptChange(ws, change)), fromSha: change.baseSha, toSha: base.sha };
      if (merge.conflicts.length > 0 && !options.mergeConflicts)
        throw new Error(
          `the kept change conflicts with ${base.sha.slice(0, 7)} in ${merge.conflicts.map((c) => c.path).join(", ")}; only a build resolves that`,
        );
    } else if (change && change.patch.trim()) {
      const applied = await ws.exec(["git", "apply", "--binary", "--whitespace=nowarn", "-"], { stdin: change.patch, timeoutMs: 60_000 });
      if (applied.exitCode !== 0)
        throw new Error(`the kept change no longer applies to ${base.sha.slice(0, 7)}: ${applied.stderr.trim().slice(0, 500)}`);
    }
    if (prepared) await restoreDependencies(ws, prepared.archive, prepared.plan.installed);
  } catch (error) {
    prepared?.archive.destroy();
    await ws.destroy();
    throw error;
  }
  return { ws, merge, builtOnHead: pullRequestHead ?? change?.builtOnHead ?? null };
}
