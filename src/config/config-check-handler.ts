import type { DeliveryHandler } from "../webhooks/route-delivery.js";
import type { RepoContext } from "../github/client.js";
import { writeCheckRun, type CheckRunRecord } from "../github/write-check-run.js";
import type { Pool } from "../store/db.js";
import { parse } from "yaml";
import { CONFIG_PATH, validateConfigReport } from "./load.js";
import { readFileAt } from "./read-config-file.js";
import { renderConfigCheck } from "./render-config-check.js";
import { locateKey, validateConfigText, type ConfigProblem } from "./validate-config-text.js";

interface PushPayload {
  after: string;
  deleted?: boolean;
  commits?: { added?: string[]; modified?: string[]; removed?: string[] }[];
  head_commit?: { added?: string[]; modified?: string[]; removed?: string[] } | null;
  repository: { id: number; name: string; owner: { login?: string; name?: string } };
}

/** Whether a push touched the file, from the paths GitHub lists per commit. */
export function pushTouches(payload: PushPayload, path: string): boolean {
  const commits = [...(payload.commits ?? []), ...(payload.head_commit ? [payload.head_commit] : [])];
  return commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].includes(path));
}

async function storedRecord(pool: Pool, repositoryId: number, sha: string, path: string): Promise<CheckRunRecord | undefined> {
  const res = await pool.query(`SELECT record FROM wave_config_checks WHERE repository_id = $1 AND head_sha = $2 AND path = $3`, [
    repositoryId,
    sha,
    path,
  ]);
  return res.rows[0]?.record as CheckRunRecord | undefined;
}

/**
 * The valid settings of a repository's file that its organisation's `.github`
 * file (on that repository's default branch) overrides, each at its line.
 */
async function overriddenKeys(ctx: RepoContext, path: string, text: string, raw: Record<string, unknown>): Promise<ConfigProblem[]> {
  if (ctx.repo === ".github") return [];
  const orgText = await readFileAt({ ...ctx, repo: ".github" }, CONFIG_PATH);
  if (orgText === null) return [];
  let orgRaw: unknown;
  try {
    orgRaw = parse(orgText);
  } catch {
    // The organisation's own check reports its syntax; here WAVE cannot compare against it.
    return [];
  }
  if (typeof orgRaw !== "object" || orgRaw === null || Array.isArray(orgRaw)) return [];
  const location = `${ctx.owner}/${ctx.repo}:${path}`;
  try {
    const report = validateConfigReport(
      [{ location, config: raw }],
      [{ location: `${ctx.owner}/.github:${CONFIG_PATH}`, config: orgRaw as Record<string, unknown> }],
    );
    return report.ignored.map((i) => ({ ...locateKey(text, i.key), key: i.key, message: i.message }));
  } catch {
    // A file the organisation's policy refuses outright (a model it does not allow) is reported at intake.
    return [];
  }
}

/**
 * Validates `path` at `sha` and writes the `wave/config` check run on that commit;
 * the run's id is stored, so a retried job updates it or skips instead of adding one.
 */
export async function publishConfigCheck(pool: Pool, ctx: RepoContext, repositoryId: number, sha: string, path: string): Promise<string> {
  const text = await readFileAt(ctx, path, sha);
  const validation =
    text === null ? ({ removed: true } as const) : validateConfigText(text, { organisationRepository: ctx.repo === ".github" });
  const overridden = text !== null && "ok" in validation && validation.ok ? await overriddenKeys(ctx, path, text, validation.raw) : [];
  const payload = renderConfigCheck(path, validation, overridden);
  const stored = await storedRecord(pool, repositoryId, sha, path);
  const written = await writeCheckRun(ctx, { headSha: sha, payload, ...(stored ? { stored } : {}) });
  await pool.query(
    `INSERT INTO wave_config_checks (repository_id, head_sha, path, record) VALUES ($1, $2, $3, $4)
     ON CONFLICT (repository_id, head_sha, path) DO UPDATE SET record = EXCLUDED.record`,
    [repositoryId, sha, path, JSON.stringify(written.record)],
  );
  return `wave/config ${payload.conclusion ?? payload.status} on ${sha.slice(0, 7)} (${written.action})`;
}

/**
 * `push`: when the pushed commits change `.github/wave.yml` (in any repository, the
 * organisation's `.github` repository included, whose file is every repository's
 * default), check the file where it was edited, on the pushed commit.
 */
export const handleConfigPush: DeliveryHandler = async (delivery, { deps, github }) => {
  const p = delivery.payload as PushPayload;
  if (p.deleted || /^0+$/.test(p.after)) return "ignored: branch deleted";
  if (!pushTouches(p, CONFIG_PATH)) return `ignored: ${CONFIG_PATH} unchanged`;
  if (!delivery.installationId) return "ignored: no installation";
  const owner = p.repository.owner.login ?? p.repository.owner.name ?? "";
  const octokit = await github.forInstallation(delivery.installationId);
  return publishConfigCheck(deps.pool, { octokit, owner, repo: p.repository.name }, p.repository.id, p.after, CONFIG_PATH);
};
