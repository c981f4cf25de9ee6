import { CONFIG_PATH } from "../config/load.js";
import { readFileAt } from "../config/read-config-file.js";
import { defaultConfig } from "../config/schema.js";
import { validateConfigText } from "../config/validate-config-text.js";
import { callGitHub } from "../github/call-github.js";
import type { GitHubClient } from "../github/client.js";
import { userMessage } from "../errors.js";
import { findLabels } from "../github/ensure-labels.js";
import { waveLabels } from "./labels.js";

/** One line of `npm run doctor`. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** The app's GitHub: its own client (app JWT) and one per installation. */
export interface AppGitHub {
  app: GitHubClient;
  forInstallation(id: number): Promise<GitHubClient>;
}

interface Installation {
  id: number;
  account: { login: string } | null;
  repository_selection: string;
  suspended_at?: string | null;
}

async function pages<T>(fetchPage: (page: number) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const items = await fetchPage(page);
    out.push(...items);
    if (items.length < 100) return out;
  }
}

/**
 * The doctor's installation check: every installation of the app, and in each, the
 * repositories without the trigger label and those whose `.github/wave.yml` is invalid,
 * each with its fix. Read-only: two or three requests per repository.
 */
export async function installationChecks(github: AppGitHub): Promise<DoctorCheck[]> {
  const installations = await pages((page) =>
    callGitHub(() => github.app.request("GET /app/installations", { per_page: 100, page })).then((r) => r.data as Installation[]),
  );
  if (installations.length === 0) {
    return [
      {
        name: "installations",
        ok: false,
        detail: "the app is installed nowhere",
        fix: "Install it from the app's page on GitHub (Install App), on all repositories of the organisation or on the ones WAVE should serve.",
      },
    ];
  }
  const checks: DoctorCheck[] = [];
  for (const installation of installations) {
    const owner = installation.account?.login ?? `installation ${installation.id}`;
    const name = `installation ${installation.id} (${owner}, ${installation.repository_selection} repositories)`;
    if (installation.suspended_at) {
      checks.push({
        name,
        ok: false,
        detail: `suspended since ${installation.suspended_at}`,
        fix: `An owner of ${owner} unsuspends it under Settings → GitHub Apps → WAVE → Configure.`,
      });
      continue;
    }
    try {
      const octokit = await github.forInstallation(installation.id);
      const orgText = await readFileAt({ octokit, owner, repo: ".github" }, CONFIG_PATH).catch(() => null);
      const orgConfig = orgText === null ? undefined : validateConfigText(orgText, { organisationRepository: true });
      const trigger = orgConfig?.ok ? orgConfig.config.trigger_label : defaultConfig().trigger_label;
      const repos = await pages((page) =>
        callGitHub(() => octokit.request("GET /installation/repositories", { per_page: 100, page })).then(
          (r) => r.data.repositories as { name: string; full_name: string; archived?: boolean; owner: { login: string } }[],
        ),
      );
      const unlabelled: string[] = [];
      const invalid: string[] = [];
      for (const repo of repos.filter((r) => !r.archived)) {
        const ctx = { octokit, owner: repo.owner.login, repo: repo.name };
        const labels = await findLabels(ctx, waveLabels(trigger).slice(0, 1));
        if (labels.outcome === "present" && labels.missing.length > 0) unlabelled.push(repo.full_name);
        const text = await readFileAt(ctx, CONFIG_PATH);
        const validation = text === null ? undefined : validateConfigText(text, { organisationRepository: repo.name === ".github" });
        if (validation && !validation.ok) {
          const first = validation.problems[0];
          invalid.push(
            `${repo.full_name}:${CONFIG_PATH} line ${first?.line ?? 1}: ${first?.message ?? "invalid"}${validation.problems.length > 1 ? ` (+${validation.problems.length - 1} more)` : ""}`,
          );
        }
      }
      checks.push({ name, ok: true, detail: `${repos.length} repositories (${repos.filter((r) => r.archived).length} archived, skipped)` });
      checks.push(
        unlabelled.length
          ? {
              name: `${owner}: trigger label \`${trigger}\``,
              ok: false,
              detail: `missing in ${unlabelled.length}: ${unlabelled.slice(0, 10).join(", ")}${unlabelled.length > 10 ? ", …" : ""}`,
              fix: `Remove those repositories from the installation and add them again (WAVE onboards added repositories), or create the label \`${trigger}\` in each.`,
            }
          : { name: `${owner}: trigger label \`${trigger}\``, ok: true, detail: "in every repository" },
      );
      checks.push(
        invalid.length
          ? {
              name: `${owner}: ${CONFIG_PATH}`,
              ok: false,
              detail: `invalid in ${invalid.length}:\n       ${invalid.join("\n       ")}`,
              fix: "Fix each file at the line shown (the wave/config check on the commit shows every problem with an example), then push.",
            }
          : { name: `${owner}: ${CONFIG_PATH}`, ok: true, detail: "valid wherever present" },
      );
    } catch (error) {
      checks.push({
        name,
        ok: false,
        detail: userMessage(error),
        fix: "Check that the installation still exists and has the permissions in app.yml.",
      });
    }
  }
  return checks;
}
