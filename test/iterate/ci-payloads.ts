import { storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import type { CiSuite } from "../support/fake-git-repo.js";
import { githubExample } from "../support/webhook-examples.js";
import type { IterateRow } from "./iterate-app.js";

/** GitHub Actions' app, as GitHub's example payloads name it. */
export const ACTIONS = { id: 15368, slug: "github-actions" };

/** The newest `wave/gates` write on `sha`: its summary and conclusion. */
export function latestGates(github: StoryGitHub, sha: string): { summary: string; status?: string; conclusion?: string | null } {
  let found: { summary: string; status?: string; conclusion?: string | null } = { summary: "" };
  for (const writes of github.fake.checkRuns.values()) {
    const created = writes[0] as { name: string; head_sha: string };
    if (created.head_sha !== sha || created.name !== "wave/gates") continue;
    const latest = Object.assign({}, ...writes) as { output?: { summary?: string }; status?: string; conclusion?: string | null };
    found = { summary: latest.output?.summary ?? found.summary, status: latest.status, conclusion: latest.conclusion ?? null };
  }
  return found;
}

/** The newest `wave/gates` summary on `sha`. */
export function gatesSummary(github: StoryGitHub, sha: string): string {
  return latestGates(github, sha).summary;
}

let ids = 770_000;
/** A CI suite on `sha` (GitHub Actions unless `app` says otherwise) with one run, shaped like GitHub's `check_run` example. */
export function ciSuite(
  sha: string,
  status: CiSuite["status"],
  conclusion: CiSuite["conclusion"],
  options: { name?: string; app?: CiSuite["app"] } = {},
): CiSuite {
  const example = githubExample<{ check_run: Record<string, unknown> }>("check_run", "completed").check_run;
  const runId = ids++;
  const failed = conclusion === "failure";
  return {
    id: ids++,
    app: options.app ?? ACTIONS,
    status,
    conclusion,
    runs: [
      {
        ...(example as object),
        id: runId,
        name: options.name ?? "test (node 20)",
        head_sha: sha,
        external_id: null,
        status,
        conclusion,
        output: {
          title: failed ? "Process completed with exit code 1." : "Success",
          summary: failed ? "docs-check: multiply() does not say it takes floats" : "",
          annotations_count: failed ? 1 : 0,
        },
        ...(failed
          ? {
              annotations: [
                {
                  path: "src/calc.js",
                  start_line: 6,
                  end_line: 6,
                  annotation_level: "failure",
                  message: "multiply() is undocumented for floats",
                },
              ],
            }
          : {}),
      } as CiSuite["runs"][number],
    ],
  };
}

/** The suite with its run moved to `status` / `conclusion` (a re-run, or the run finishing). */
export function settle(suite: CiSuite, status: CiSuite["status"], conclusion: CiSuite["conclusion"]): CiSuite {
  suite.status = status;
  suite.conclusion = conclusion;
  suite.runs = suite.runs.map((run) => ({ ...run, status, conclusion }));
  return suite;
}

/** A job log whose tail names the failure the scripted model knows how to fix. */
export function failingLog(): string {
  return (
    Array.from({ length: 200 }, (_, i) => `2026-12-01T10:00:${String(i % 60).padStart(2, "0")}.0000000Z step ${i}`).join("\n") +
    "\n2026-12-01T10:01:00.0000000Z Error: docs-check: multiply(0.1, 3) is used but multiply() does not say it takes floats\n"
  );
}

/** GitHub's `check_suite.completed` example for `suite` on the story's PR. */
export function suitePayload(s: IterateRow, suite: CiSuite, repoId: number): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { check_suite: Record<string, unknown> }>("check_suite", "completed");
  Object.assign(p.check_suite, {
    id: suite.id,
    head_sha: suite.runs[0]?.head_sha,
    head_branch: s.branch,
    status: suite.status,
    conclusion: suite.conclusion,
    app: { ...(p.check_suite.app as object), ...suite.app },
    pull_requests: [{ ...((p.check_suite.pull_requests as object[])[0] ?? {}), number: s.pull_request }],
  });
  p.repository = storyRepository(repoId);
  p.installation = { id: 9 };
  return p;
}

/** GitHub's `check_run.completed` example for the suite's first run on the story's PR. */
export function runPayload(s: IterateRow, suite: CiSuite, repoId: number): Record<string, unknown> {
  const p = githubExample<Record<string, unknown> & { check_run: Record<string, unknown> }>("check_run", "completed");
  const run = suite.runs[0];
  Object.assign(p.check_run, {
    id: run?.id,
    name: run?.name,
    head_sha: run?.head_sha,
    external_id: null,
    status: run?.status,
    conclusion: run?.conclusion,
    app: { ...(p.check_run.app as object), ...suite.app },
    check_suite: { ...(p.check_run.check_suite as object), id: suite.id, head_sha: run?.head_sha, head_branch: s.branch },
    pull_requests: [{ ...((p.check_run.pull_requests as object[])[0] ?? {}), number: s.pull_request }],
  });
  p.repository = storyRepository(repoId);
  p.installation = { id: 9 };
  return p;
}
