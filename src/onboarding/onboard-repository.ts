import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import { GitHubRateLimited } from "../github/errors.js";
import { QUEUES } from "../jobs/queue.js";
import { reserveContentSlot, type PaceWindow } from "./content-pacer.js";
import { ensureLabels } from "./ensure-labels.js";
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

/**
 * The `wave-onboard` job: creates WAVE's labels in one repository. The onboarding row is
 * locked for the whole job (`FOR UPDATE SKIP LOCKED`), so a duplicate job never works on
 * it at the same time, and marked done in the same transaction. A job killed midway is
 * re-leased by the queue and starts over from GitHub's state: the labels it created are
 * found by the read and not created again.
 */
export async function onboardRepository(deps: EngineDeps, ports: OnboardPorts, job: OnboardJob): Promise<string> {
  const client = await deps.pool.connect();
  try {
    await client.query("BEGIN");
    const row = (
      await client.query(
        `SELECT o.installation_id, o.owner, o.repo, o.trigger_label, o.done_at, i.deleted_at, i.suspended_at
         FROM wave_onboarding o LEFT JOIN wave_installations i ON i.id = o.installation_id
         WHERE o.repository_id = $1 FOR UPDATE OF o SKIP LOCKED`,
        [job.repositoryId],
      )
    ).rows[0] as
      | { installation_id: number; owner: string; repo: string; trigger_label: string; done_at: Date | null; deleted_at: Date | null; suspended_at: Date | null }
      | undefined;
    const finish = async (outcome: string, created: string[] = []) => {
      await client.query(`UPDATE wave_onboarding SET done_at = now(), outcome = $2, labels_created = $3 WHERE repository_id = $1`, [job.repositoryId, outcome, created]);
      await client.query("COMMIT");
      return outcome;
    };
    if (!row) {
      await client.query("ROLLBACK");
      return "skipped: not queued, or another worker has it";
    }
    if (row.done_at) {
      await client.query("ROLLBACK");
      return "already onboarded";
    }
    // Gone or suspended installations make no further GitHub request; unsuspending queues again.
    if (row.deleted_at) return await finish("skipped: installation removed");
    if (row.suspended_at) {
      await client.query("ROLLBACK");
      return "waiting: installation suspended";
    }
    const octokit = await ports.github.forInstallation(row.installation_id);
    const sleep = ports.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    try {
      const result = await ensureLabels({ octokit, owner: row.owner, repo: row.repo, retry: { maxWaitSeconds: 10 } }, waveLabels(row.trigger_label), async () => {
        const slot = await reserveContentSlot(deps.pool, row.installation_id, ports.pace, ports.maxPaceWaitMs ?? 10_000);
        if ("later" in slot) throw new PaceLater(slot.later);
        await sleep(slot.waitMs);
      });
      const outcome =
        result.outcome === "labelled"
          ? `labelled: ${result.created.length ? `created ${result.created.join(", ")}` : "all labels were there"}`
          : result.outcome === "archived"
            ? "skipped: archived"
            : "skipped: repository gone";
      return await finish(outcome, result.created);
    } catch (error) {
      const waitMs = error instanceof PaceLater ? error.waitMs : error instanceof GitHubRateLimited ? error.retryAfterSeconds * 1000 : undefined;
      if (waitMs === undefined) throw error;
      await client.query("ROLLBACK");
      // Not a failure: the job runs again when GitHub (or the pacer) has room.
      await deps.boss.send(QUEUES.onboard, job, { startAfter: Math.max(1, Math.ceil(waitMs / 1000)), singletonKey: `onboard-${job.repositoryId}` });
      return error instanceof PaceLater ? error.message : `rate-limited: again in ${Math.ceil(waitMs / 1000)} s`;
    }
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
