import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import { GitHubRateLimited } from "../github/errors.js";
import { QUEUES } from "../jobs/queue.js";
import type { Tx } from "../store/db.js";
import { peekContentSlot, reserveContentSlot, type PaceWindow } from "./content-pacer.js";
import { ensureLabels } from "../github/ensure-labels.js";
import { waveLabels } from "./labels.js";

export interface OnboardJob {
  repositoryId: number;
}

export interface OnboardPorts {
  github: GitHubAuth;
  pace: PaceWindow[];
  /** The longest a job sleeps for its pacing slot before it reschedules itself instead; keep it well under the queue's expiry. */
  maxPaceWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The pacer's slot is further away than a job should sleep. */
class PaceLater extends Error {
  constructor(readonly waitMs: number) {
    super(`paced: next content slot in ${Math.ceil(waitMs)} ms`);
  }
}

/** Another job finished this repository, or is writing it right now. */
class NotMine extends Error {}

interface OnboardRow {
  installation_id: number;
  owner: string;
  repo: string;
  trigger_label: string;
  done_at: Date | null;
  deleted_at: Date | null;
  suspended_at: Date | null;
}

const ROW = `SELECT o.installation_id, o.owner, o.repo, o.trigger_label, o.done_at, i.deleted_at, i.suspended_at
  FROM wave_onboarding o LEFT JOIN wave_installations i ON i.id = o.installation_id WHERE o.repository_id = $1`;

/**
 * The `wave-onboard` job: creates WAVE's labels in one repository. Before its one write
 * the job waits for a pacing slot, then locks the onboarding row (`FOR UPDATE SKIP
 * LOCKED`) and checks it is still not done, so duplicate jobs never write twice; the row
 * is marked done in that same transaction. A job killed midway is re-leased by the queue
 * and starts over from GitHub's state: the labels it created are found by the read and
 * not created again. A job holds at most one database connection at a time.
 */
export async function onboardRepository(deps: EngineDeps, ports: OnboardPorts, job: OnboardJob): Promise<string> {
  const row = (await deps.pool.query(ROW, [job.repositoryId])).rows[0] as OnboardRow | undefined;
  if (!row) return "skipped: not queued";
  if (row.done_at) return "already onboarded";
  // Removed or suspended installations make no further GitHub request.
  if (row.deleted_at) return markDone(deps, job.repositoryId, "skipped: installation removed");
  if (row.suspended_at) return "waiting: installation suspended";

  const maxWaitMs = ports.maxPaceWaitMs ?? 10_000;
  const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let tx: Tx | undefined;
  try {
    // A job that would only wait for its write reschedules before reading, so its read is not made twice.
    const ahead = await peekContentSlot(deps.pool, row.installation_id, ports.pace);
    if (ahead > maxWaitMs) throw new PaceLater(ahead);
    const octokit = await ports.github.forInstallation(row.installation_id);
    const result = await ensureLabels(
      { octokit, owner: row.owner, repo: row.repo, retry: { maxWaitSeconds: 10 } },
      waveLabels(row.trigger_label),
      async () => {
        const slot = await reserveContentSlot(deps.pool, row.installation_id, ports.pace, maxWaitMs);
        if ("later" in slot) throw new PaceLater(slot.later);
        await sleep(slot.waitMs);
        tx = await deps.pool.connect();
        await tx.query("BEGIN");
        const locked = (await tx.query(`${ROW} FOR UPDATE OF o SKIP LOCKED`, [job.repositoryId])).rows[0] as OnboardRow | undefined;
        if (!locked || locked.done_at) throw new NotMine();
      },
    );
    const outcome =
      result.outcome === "labelled"
        ? `labelled: ${result.created.length ? `created ${result.created.join(", ")}` : "all labels were there"}`
        : result.outcome === "archived"
          ? "skipped: archived"
          : "skipped: repository gone";
    if (!tx) return markDone(deps, job.repositoryId, outcome, result.created);
    await tx.query(`UPDATE wave_onboarding SET done_at = now(), outcome = $2, labels_created = $3 WHERE repository_id = $1`, [
      job.repositoryId,
      outcome,
      result.created,
    ]);
    await tx.query("COMMIT");
    return outcome;
  } catch (error) {
    await tx?.query("ROLLBACK").catch(() => undefined);
    if (error instanceof NotMine) return "skipped: another job has it";
    const waitMs =
      error instanceof PaceLater ? error.waitMs : error instanceof GitHubRateLimited ? error.retryAfterSeconds * 1000 : undefined;
    if (waitMs === undefined) throw error;
    // Not a failure: the job runs again when the pacer (or GitHub) has room.
    await deps.boss.send(QUEUES.onboard, job, {
      startAfter: Math.max(1, Math.ceil(waitMs / 1000)),
      singletonKey: `onboard-${job.repositoryId}`,
    });
    return error instanceof PaceLater ? error.message : `rate-limited: again in ${Math.ceil(waitMs / 1000)} s`;
  } finally {
    tx?.release();
  }
}

async function markDone(deps: EngineDeps, repositoryId: number, outcome: string, created: string[] = []): Promise<string> {
  await deps.pool.query(
    `UPDATE wave_onboarding SET done_at = now(), outcome = $2, labels_created = $3 WHERE repository_id = $1 AND done_at IS NULL`,
    [repositoryId, outcome, created],
  );
  return outcome;
}
