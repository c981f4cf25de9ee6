import { readFileAt } from "../config/read-config-file.js";
import { validateConfigText } from "../config/validate-config-text.js";
import { CONFIG_PATH } from "../config/load.js";
import { defaultConfig } from "../config/schema.js";
import { callGitHub } from "../github/call-github.js";
import type { GitHubClient } from "../github/client.js";
import { withTransaction } from "../store/db.js";
import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import { leaveHandlers } from "./leave-handlers.js";
import { installationTriggerLabel, queueOnboarding, recordInstallation, type InstalledRepository } from "./onboarding-store.js";

interface InstallationPayload {
  installation: { id: number; account: { login: string; type?: string }; repository_selection: string };
  repositories?: InstalledRepository[];
  repositories_added?: InstalledRepository[];
}

interface RepositoryPayload {
  repository: InstalledRepository & { archived?: boolean };
  installation?: { id: number };
}

/**
 * The organisation's trigger label, from its `.github` repository's wave.yml (one read
 * per installation event); WAVE's default when that file is missing or invalid (its
 * own `wave/config` check says why).
 */
async function organisationTriggerLabel(octokit: GitHubClient, account: string): Promise<string> {
  const text = await readFileAt({ octokit, owner: account, repo: ".github" }, CONFIG_PATH).catch(() => null);
  const validation = text === null ? undefined : validateConfigText(text, { organisationRepository: true });
  return validation?.ok ? validation.config.trigger_label : defaultConfig().trigger_label;
}

/** Every repository of an installation, 100 a page, when the event did not list them. */
async function listRepositories(octokit: GitHubClient): Promise<InstalledRepository[]> {
  const out: InstalledRepository[] = [];
  for (let page = 1; ; page++) {
    const res = await callGitHub(() => octokit.request("GET /installation/repositories", { per_page: 100, page }));
    const repos = res.data.repositories as InstalledRepository[];
    out.push(...repos);
    if (repos.length < 100) return out;
  }
}

/** `installation.created`: record the installation and queue one onboarding job per repository. */
export const handleInstallationCreated: DeliveryHandler = async (delivery, { deps, github }) => {
  const p = delivery.payload as InstallationPayload;
  const octokit = await github.forInstallation(p.installation.id);
  const triggerLabel = await organisationTriggerLabel(octokit, p.installation.account.login);
  const repos = p.repositories ?? (await listRepositories(octokit));
  const queued = await withTransaction(deps.pool, async (tx) => {
    await recordInstallation(tx, {
      id: p.installation.id,
      accountLogin: p.installation.account.login,
      accountType: p.installation.account.type ?? "Organization",
      repositorySelection: p.installation.repository_selection,
      triggerLabel,
    });
    return queueOnboarding(tx, deps.boss, p.installation.id, triggerLabel, repos);
  });
  return `installation ${p.installation.id}: ${queued} of ${repos.length} repositories queued for onboarding`;
};

/** `installation_repositories.added`: onboard the repositories added to a selected-repositories installation. */
export const handleRepositoriesAdded: DeliveryHandler = async (delivery, { deps, github }) => {
  const p = delivery.payload as InstallationPayload;
  const repos = p.repositories_added ?? [];
  let triggerLabel = await installationTriggerLabel(deps.pool, p.installation.id);
  if (triggerLabel === undefined) {
    // Installed before WAVE recorded installations: learn it now.
    triggerLabel = await organisationTriggerLabel(await github.forInstallation(p.installation.id), p.installation.account.login);
  }
  const label = triggerLabel;
  const queued = await withTransaction(deps.pool, async (tx) => {
    await recordInstallation(tx, {
      id: p.installation.id,
      accountLogin: p.installation.account.login,
      accountType: p.installation.account.type ?? "Organization",
      repositorySelection: p.installation.repository_selection,
      triggerLabel: label,
    });
    // Added back after a removal: its stories may reach GitHub again.
    await tx.query(`DELETE FROM wave_removed_repositories WHERE repository_id = ANY($1::bigint[])`, [repos.map((r) => r.id)]);
    return queueOnboarding(tx, deps.boss, p.installation.id, label, repos);
  });
  return `installation ${p.installation.id}: ${queued} of ${repos.length} added repositories queued for onboarding`;
};

/** `repository.created`: a new repository of an installation on all repositories is onboarded like the others. */
export const handleRepositoryCreated: DeliveryHandler = async (delivery, { deps }) => {
  const p = delivery.payload as RepositoryPayload;
  if (!p.installation) return "ignored: no installation";
  const installationId = p.installation.id;
  const triggerLabel = (await installationTriggerLabel(deps.pool, installationId)) ?? defaultConfig().trigger_label;
  if (p.repository.archived) return `ignored: ${p.repository.full_name} is archived`;
  const queued = await withTransaction(deps.pool, (tx) => queueOnboarding(tx, deps.boss, installationId, triggerLabel, [p.repository]));
  return queued ? `${p.repository.full_name} queued for onboarding` : `${p.repository.full_name} already onboarded`;
};

/** The onboarding and leaving handlers, keyed "event.action" for `RouterPorts.handlers`. */
export function onboardingHandlers(): Record<string, DeliveryHandler> {
  return {
    ...leaveHandlers(),
    "installation.created": handleInstallationCreated,
    "installation_repositories.added": handleRepositoriesAdded,
    "repository.created": handleRepositoryCreated,
  };
}
