import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";

/** One check suite on a commit, as far as iterating needs it. */
export interface SuiteOnHead {
  id: number;
  appId: number | null;
  appSlug: string | null;
  status: string | null;
  conclusion: string | null;
  runs: number;
}

/** One check run on a commit. */
export interface RunOnHead {
  id: number;
  name: string;
  suiteId: number | null;
  appId: number | null;
  appSlug: string | null;
  externalId: string | null;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  annotations: number;
}

/** One annotation of a failing run. */
export interface RunAnnotation {
  path: string;
  line: number;
  level: string | null;
  message: string;
}

type Where = { owner: string; repo: string };

/** Every check suite on `sha` (one request, up to 100). */
export async function listSuites(octokit: GitHubClient, where: Where, sha: string): Promise<SuiteOnHead[]> {
  const res = await callGitHub(() =>
    octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-suites", { ...where, ref: sha, per_page: 100 }),
  );
  return res.data.check_suites.map((s) => ({
    id: Number(s.id),
    appId: s.app?.id ?? null,
    appSlug: s.app?.slug ?? null,
    status: s.status,
    conclusion: s.conclusion,
    runs: s.latest_check_runs_count ?? 0,
  }));
}

/** Every latest check run on `sha`, of every app (one request, up to 100). */
export async function listRuns(octokit: GitHubClient, where: Where, sha: string): Promise<RunOnHead[]> {
  const res = await callGitHub(() =>
    octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", { ...where, ref: sha, filter: "latest", per_page: 100 }),
  );
  return res.data.check_runs.map((r) => ({
    id: Number(r.id),
    name: r.name,
    suiteId: r.check_suite?.id ?? null,
    appId: r.app?.id ?? null,
    appSlug: r.app?.slug ?? null,
    externalId: r.external_id ?? null,
    status: r.status,
    conclusion: r.conclusion,
    title: r.output.title ?? null,
    summary: r.output.summary ?? null,
    annotations: r.output.annotations_count,
  }));
}

/** Up to 50 annotations of one run. */
export async function listAnnotations(octokit: GitHubClient, where: Where, runId: number): Promise<RunAnnotation[]> {
  const res = await callGitHub(() =>
    octokit.request("GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations", { ...where, check_run_id: runId, per_page: 50 }),
  );
  return res.data.map((a) => ({ path: a.path, line: a.start_line, level: a.annotation_level, message: a.message ?? "" }));
}

/**
 * The plain-text log of a GitHub Actions job (an Actions check run's id is its job's id).
 * Needs the `actions: read` permission; GitHub answers with a redirect Octokit follows.
 */
export async function jobLog(octokit: GitHubClient, where: Where, jobId: number): Promise<string> {
  const res = await callGitHub(() => octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", { ...where, job_id: jobId }));
  return typeof res.data === "string" ? res.data : String(res.data);
}

/** One commit status (the older Statuses API some CIs still report through). */
export interface StatusOnHead {
  context: string;
  state: "success" | "pending" | "failure" | "error";
  description: string | null;
  targetUrl: string | null;
}

/**
 * The latest commit status per context on `sha` (`GET …/commits/{ref}/status`, one request for up to
 * 100). Read only when a required context has no check run: most CIs report check runs.
 */
export async function listStatuses(octokit: GitHubClient, where: Where, sha: string): Promise<StatusOnHead[]> {
  const res = await callGitHub(() =>
    octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/status", { ...where, ref: sha, per_page: 100 }),
  );
  return res.data.statuses.map((s) => ({
    context: s.context,
    state: s.state as StatusOnHead["state"],
    description: s.description ?? null,
    targetUrl: s.target_url ?? null,
  }));
}
