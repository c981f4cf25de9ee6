import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { Log } from "../engine/deps.js";
import { sandboxSection } from "../config/sections/sandbox.js";
import type { GitHubAuth } from "../engine/ports.js";
import { SandboxHold, SandboxUnavailable, userMessage } from "../errors.js";
import { gitHubPort } from "../github/port.js";
import type { Runner, Workspace, WorkspaceSpec } from "../sandbox/runner.js";
import { appendAudit } from "../store/audit.js";
import type { Pool } from "../store/db.js";
import { DISPATCH_EVENT_TYPE, type DispatchPayload, type WireSpec } from "./protocol.js";
import type { RunnerHub } from "./runner-hub.js";
import { RemoteWorkspace } from "./remote-workspace.js";

export interface ActionsRunnerOptions {
  pool: Pool;
  github: GitHubAuth;
  hub: RunnerHub;
  /** The app's public URL the runner dials (`WAVE_APP_URL`); a function, since a test learns its port after the start. */
  appUrl: () => string;
  /** GitHub's web URL, for the link to the repository's Actions page in a hold. */
  webUrl: string;
  log: Log;
}

interface StoryWhere {
  owner: string;
  repo: string;
  repoId: number;
  installationId: number;
}

/**
 * The GitHub Actions backend of the Runner port: each workspace is a `repository_dispatch` (type
 * `wave-runner`, a one-time job id) served by the repository's workflow, whose runner dials the app,
 * proves itself with the job's OIDC token and then carries out each operation in its own Docker +
 * gVisor sandbox. The tarball and the kept change go from the app; the runner holds no repository token.
 */
export function createActionsRunner(options: ActionsRunnerOptions): Runner {
  const { pool, hub, log } = options;

  async function createWorkspace(spec: WorkspaceSpec, tarball: Readable): Promise<Workspace> {
    const limits = sandboxSection.parse(spec.limits ?? {});
    const story = await storyWhere(pool, spec.storyId);
    const repository = `${story.owner}/${story.repo}`;
    const audit = (event: string, detail: Record<string, unknown>) =>
      appendAudit(pool, { storyId: spec.storyId, owner: story.owner, actor: "wave", event, fromState: null, toState: null, detail }).catch(
        (error: unknown) => log.warn({ err: error, event }, "could not audit a runner event"),
      );
    const lost = await lostRunners(pool, spec.storyId, spec.jobId);
    if (lost.count > limits.actions_retries)
      throw new SandboxHold(
        `The Actions runner was lost ${lost.count} times for this gate (last: ${lost.last}); sandbox.actions_retries allows ${limits.actions_retries} retries.`,
        { hint: "Check the runner's logs on the repository's Actions page, then `/wave retry`." },
      );
    const jobId = randomUUID();
    const waiting = hub.expect({ jobId, storyId: spec.storyId, repositoryId: story.repoId, repository, workflow: limits.actions_workflow });
    const payload: DispatchPayload = { job_id: jobId, app_url: options.appUrl() };
    try {
      const octokit = await options.github.forInstallation(story.installationId);
      await gitHubPort(octokit, pool).dispatch({ owner: story.owner, repo: story.repo }, DISPATCH_EVENT_TYPE, { ...payload });
    } catch (error) {
      waiting.cancel();
      tarball.destroy();
      throw error;
    }
    await audit("RUNNER_DISPATCHED", { runner_job: jobId, gate_job: spec.jobId, workflow: limits.actions_workflow });
    log.info({ storyId: spec.storyId, runnerJob: jobId, repository }, "dispatched a runner job");
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), limits.actions_connect_seconds * 1000)),
    );
    const session = await Promise.race([waiting.connected, timedOut]);
    clearTimeout(timer);
    if (!session) {
      waiting.cancel();
      tarball.destroy();
      await audit("RUNNER_NEVER_CONNECTED", { runner_job: jobId, gate_job: spec.jobId, waited_seconds: limits.actions_connect_seconds });
      throw new SandboxHold(
        `No runner picked up job ${jobId} within ${limits.actions_connect_seconds} s — is \`${workflowFile(limits.actions_workflow)}\` on the default branch? ${options.webUrl.replace(/\/+$/, "")}/${repository}/actions`,
        { hint: "See docs/runner.md for the workflow; `/wave retry` dispatches again." },
      );
    }
    await audit("RUNNER_CONNECTED", { runner_job: jobId, gate_job: spec.jobId, run_id: session.runId });
    session.onLost((error) => {
      if (error instanceof SandboxUnavailable)
        void audit("RUNNER_LOST", { runner_job: jobId, gate_job: spec.jobId, run_id: session.runId, reason: userMessage(error) });
    });
    const wire: WireSpec = {
      storyId: spec.storyId,
      jobId: spec.jobId,
      ...(spec.deadlineMs !== undefined ? { deadlineMs: spec.deadlineMs } : {}),
      ...(spec.limits ? { limits: spec.limits as Record<string, unknown> } : {}),
      ...(spec.image ? { image: spec.image } : {}),
    };
    try {
      const id = await session.call<string>({ op: "create", spec: wire, tarball: session.offer(tarball) });
      return new RemoteWorkspace(id, session, () => undefined);
    } catch (error) {
      tarball.destroy();
      session.close(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  return { createWorkspace };
}

/** `.github/workflows/x.yml`, or a reusable workflow's `owner/repo/path` as given. */
function workflowFile(workflow: string): string {
  return workflow;
}

async function storyWhere(pool: Pool, storyId: string): Promise<StoryWhere> {
  const r = await pool.query(`SELECT owner, repo, repo_id, installation_id FROM stories WHERE id = $1`, [storyId]);
  const row = r.rows[0] as { owner: string; repo: string; repo_id: number; installation_id: number } | undefined;
  if (!row) throw new SandboxUnavailable(`Story ${storyId} is not in the store; no runner can be dispatched for it.`);
  return { owner: row.owner, repo: row.repo, repoId: Number(row.repo_id), installationId: Number(row.installation_id) };
}

/** Runners lost for this gate job so far (its retries share the job id), and the last reason. */
async function lostRunners(pool: Pool, storyId: string, gateJob: string): Promise<{ count: number; last: string }> {
  const r = await pool.query(
    `SELECT count(*)::int AS n, (array_agg(detail->>'reason' ORDER BY id DESC))[1] AS last
       FROM audit_events WHERE story_id = $1 AND event = 'RUNNER_LOST' AND detail->>'gate_job' = $2`,
    [storyId, gateJob],
  );
  const row = r.rows[0] as { n: number; last: string | null };
  return { count: row.n, last: row.last ?? "" };
}
