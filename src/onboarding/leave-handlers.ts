import { addStoryEffects, applyEvent } from "../engine/apply-event.js";
import type { EngineDeps } from "../engine/deps.js";
import type { StoryEvent } from "../story/events.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { QUEUES } from "../jobs/queue.js";

interface LeavePayload {
  installation: { id: number; account: { login: string; type?: string }; repository_selection: string };
  repositories_removed?: { id: number; full_name: string }[];
  sender: { login: string };
}

async function liveStories(deps: EngineDeps, installationId: number, repositoryIds?: number[]): Promise<string[]> {
  const res = repositoryIds
    ? await deps.pool.query(
        `SELECT id FROM stories WHERE installation_id = $1 AND repo_id = ANY($2::bigint[]) AND status IN ('active', 'held') ORDER BY created_at`,
        [installationId, repositoryIds],
      )
    : await deps.pool.query(`SELECT id FROM stories WHERE installation_id = $1 AND status IN ('active', 'held') ORDER BY created_at`, [
        installationId,
      ]);
  return res.rows.map((r) => r.id as string);
}

/** Sends `event` to each story; every one also stops its sandboxes, even one the event did not change. */
async function sendToAll(deps: EngineDeps, ids: string[], event: StoryEvent, deliveryId: string): Promise<number> {
  let changed = 0;
  for (const id of ids) {
    const result = await applyEvent(deps, id, event, { deliveryId });
    if (result.applied) changed++;
    await addStoryEffects(deps, id, [{ kind: "stop-sandbox" }]);
  }
  return changed;
}

/**
 * `installation.deleted`: WAVE was uninstalled. The installation is marked gone first
 * (so the outbox makes no GitHub request for it from then on), then every live story
 * is killed and its sandboxes stopped. Nothing can be said on GitHub any more.
 */
export const handleInstallationDeleted: DeliveryHandler = async (delivery, { deps }) => {
  const p = delivery.payload as LeavePayload;
  await deps.pool.query(
    `INSERT INTO wave_installations (id, account_login, account_type, repository_selection, trigger_label, deleted_at) VALUES ($1, $2, $3, $4, 'wave', now())
    ON CONFLICT (id) DO UPDATE SET deleted_at = now()`,
    [p.installation.id, p.installation.account.login, p.installation.account.type ?? "Organization", p.installation.repository_selection],
  );
  const ids = await liveStories(deps, p.installation.id);
  const killed = await sendToAll(
    deps,
    ids,
    { type: "KILL", by: p.sender.login, reason: `WAVE was uninstalled from ${p.installation.account.login}` },
    delivery.id,
  );
  return `installation ${p.installation.id} deleted: ${killed} of ${ids.length} live stories killed`;
};

/** `installation.suspend`: every live story holds with the installation's own hold kind; sandboxes stop; no GitHub request until unsuspended. */
export const handleInstallationSuspended: DeliveryHandler = async (delivery, { deps }) => {
  const p = delivery.payload as LeavePayload;
  await deps.pool.query(
    `INSERT INTO wave_installations (id, account_login, account_type, repository_selection, trigger_label, suspended_at) VALUES ($1, $2, $3, $4, 'wave', now())
    ON CONFLICT (id) DO UPDATE SET suspended_at = now()`,
    [p.installation.id, p.installation.account.login, p.installation.account.type ?? "Organization", p.installation.repository_selection],
  );
  const ids = await liveStories(deps, p.installation.id);
  const held = await sendToAll(deps, ids, { type: "INSTALLATION_SUSPENDED", by: p.sender.login }, delivery.id);
  return `installation ${p.installation.id} suspended: ${held} of ${ids.length} live stories held`;
};

/**
 * `installation.unsuspend`: lifts only the suspension's holds (a story held for another
 * reason stays held), re-renders every status comment, and queues again the onboarding
 * that waited for the suspension to end.
 */
export const handleInstallationUnsuspended: DeliveryHandler = async (delivery, { deps }) => {
  const p = delivery.payload as LeavePayload;
  await deps.pool.query(`UPDATE wave_installations SET suspended_at = NULL WHERE id = $1`, [p.installation.id]);
  const ids = await liveStories(deps, p.installation.id);
  let resumed = 0;
  for (const id of ids) {
    const result = await applyEvent(deps, id, { type: "INSTALLATION_UNSUSPENDED", by: p.sender.login }, { deliveryId: delivery.id });
    if (result.applied && result.story.status === "active") resumed++;
    // Comments could not be updated while suspended: bring each up to date now.
    await addStoryEffects(deps, id, [{ kind: "sync-issue" }]);
  }
  const waiting = await deps.pool.query(`SELECT repository_id FROM wave_onboarding WHERE installation_id = $1 AND done_at IS NULL`, [
    p.installation.id,
  ]);
  for (const r of waiting.rows)
    await deps.boss.send(QUEUES.onboard, { repositoryId: Number(r.repository_id) }, { singletonKey: `onboard-${String(r.repository_id)}` });
  return `installation ${p.installation.id} unsuspended: ${resumed} of ${ids.length} live stories resumed, ${waiting.rowCount ?? 0} onboardings queued again`;
};

/** `installation_repositories.removed`: those repositories' live stories are killed, their sandboxes stopped, and no GitHub request is made for them. */
export const handleRepositoriesRemoved: DeliveryHandler = async (delivery, { deps }) => {
  const p = delivery.payload as LeavePayload;
  const removed = p.repositories_removed ?? [];
  const repoIds = removed.map((r) => r.id);
  await deps.pool.query(
    `INSERT INTO wave_removed_repositories (repository_id, installation_id) SELECT unnest($1::bigint[]), $2 ON CONFLICT (repository_id) DO UPDATE SET removed_at = now(), installation_id = EXCLUDED.installation_id`,
    [repoIds, p.installation.id],
  );
  const ids = await liveStories(deps, p.installation.id, repoIds);
  const killed = await sendToAll(
    deps,
    ids,
    { type: "KILL", by: p.sender.login, reason: "the repository was removed from WAVE's installation" },
    delivery.id,
  );
  return `${removed.length} repositories removed: ${killed} of ${ids.length} live stories killed`;
};

/** The leaving handlers, keyed "event.action". */
export function leaveHandlers(): Record<string, DeliveryHandler> {
  return {
    "installation.deleted": handleInstallationDeleted,
    "installation.suspend": handleInstallationSuspended,
    "installation.unsuspend": handleInstallationUnsuspended,
    "installation_repositories.removed": handleRepositoriesRemoved,
  };
}
