import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";
import { GitHubError, GitHubNotFound } from "./errors.js";

/** One check a branch rule requires: a check run or commit status name, and the app that must provide it (null: any). */
export interface RequiredCheck {
  context: string;
  appId: number | null;
}

/**
 * What the base branch requires before a merge. `readable: false` when one of the two sources
 * could not be read (`why` says which and GitHub's answer): WAVE then cannot tell a required
 * check from an optional one and waits on every check.
 */
export interface RequiredChecks {
  readable: boolean;
  why: string | null;
  checks: RequiredCheck[];
}

type Where = { owner: string; repo: string };

/** GitHub lets a rule say "any app" with -1, or by leaving the app out. */
function appOf(id: number | null | undefined): number | null {
  return id === undefined || id === null || id < 0 ? null : id;
}

type StatusCheckPolicy = { contexts?: string[]; checks?: { context: string; app_id: number | null }[] };

function fromPolicy(policy: StatusCheckPolicy): RequiredCheck[] {
  const checks = (policy.checks ?? []).map((c) => ({ context: c.context, appId: appOf(c.app_id) }));
  // `contexts` is the older list of names; a name already in `checks` (with its app) is not repeated.
  const named = new Set(checks.map((c) => c.context));
  return [...checks, ...(policy.contexts ?? []).filter((c) => !named.has(c)).map((context) => ({ context, appId: null }))];
}

/**
 * Classic branch protection's required status checks
 * (`GET /repos/{o}/{r}/branches/{branch}/protection/required_status_checks`). A 404 means the branch
 * is not protected or its protection requires no checks. GitHub serves this endpoint to apps with
 * the repository `Administration: read` permission, which WAVE does not ask for (see the README):
 * on its 403 the branch's own summary (`GET /repos/{o}/{r}/branches/{branch}`, `Metadata: read`)
 * is read instead, whose `protection.required_status_checks` lists the same checks. When neither
 * answers, the reason is returned.
 */
async function classicProtection(octokit: GitHubClient, where: Where, branch: string): Promise<RequiredCheck[] | string> {
  try {
    const res = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/branches/{branch}/protection/required_status_checks", { ...where, branch }),
    );
    return fromPolicy(res.data);
  } catch (error) {
    if (error instanceof GitHubNotFound) return [];
    if (!(error instanceof GitHubError && error.status === 403)) throw error;
    const refused = `classic branch protection answered 403: ${error.githubMessage}`;
    try {
      const res = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", { ...where, branch }));
      if (!res.data.protected) return [];
      const policy = res.data.protection.required_status_checks;
      return policy ? fromPolicy(policy) : `${refused}, and the branch's summary does not list its required checks`;
    } catch (summaryError) {
      if (summaryError instanceof GitHubNotFound) return [];
      if (summaryError instanceof GitHubError && summaryError.status === 403)
        return `${refused}, and so did the branch's summary: ${summaryError.githubMessage}`;
      throw summaryError;
    }
  }
}

/**
 * The active rulesets' `required_status_checks` rules for the branch (`GET /repos/{o}/{r}/rules/branches/{branch}`,
 * repository and organisation rulesets alike; readable with `Metadata: read`). A 404 is read as "no rules":
 * GitHub Enterprise Server versions without rulesets answer it.
 */
async function rulesets(octokit: GitHubClient, where: Where, branch: string): Promise<RequiredCheck[] | string> {
  try {
    const res = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/rules/branches/{branch}", { ...where, branch, per_page: 100 }),
    );
    return res.data.flatMap((rule) =>
      rule.type === "required_status_checks"
        ? (rule.parameters?.required_status_checks ?? []).map((c) => ({ context: c.context, appId: appOf(c.integration_id) }))
        : [],
    );
  } catch (error) {
    if (error instanceof GitHubNotFound) return [];
    if (error instanceof GitHubError && error.status === 403) return `rulesets answered 403: ${error.githubMessage}`;
    throw error;
  }
}

/**
 * The checks branch protection and rulesets require for `branch`, the union of both (2 requests).
 * A check required by both with different apps is kept once per app; one required from any app
 * covers the same name bound to an app.
 */
export async function readRequiredChecks(octokit: GitHubClient, where: Where, branch: string): Promise<RequiredChecks> {
  const [classic, rules] = await Promise.all([classicProtection(octokit, where, branch), rulesets(octokit, where, branch)]);
  const problems = [classic, rules].filter((r): r is string => typeof r === "string");
  const found = [classic, rules].filter((r): r is RequiredCheck[] => typeof r !== "string").flat();
  const anyApp = new Set(found.filter((c) => c.appId === null).map((c) => c.context));
  const seen = new Set<string>();
  const checks: RequiredCheck[] = [];
  for (const check of found) {
    if (check.appId !== null && anyApp.has(check.context)) continue;
    const key = `${check.context}\u0000${check.appId ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    checks.push(check);
  }
  return { readable: problems.length === 0, why: problems.length > 0 ? problems.join("; ") : null, checks };
}
