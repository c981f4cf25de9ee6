import { applyEvent } from "../engine/apply-event.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import { callGitHub } from "../github/call-github.js";
import { findLiveStory } from "../store/stories.js";

interface ClosedIssuePayload {
  issue: { number: number };
  repository: { id: number };
  sender: { login: string };
}

/**
 * `issues.closed`. A PR whose body says `Closes #N` closes its issue when it merges, and
 * GitHub sends `issues.closed` and `pull_request.closed` in no promised order. So a story
 * with a PR asks GitHub for the PR's state first: merged ⇒ PR_MERGED (done), otherwise the
 * issue was closed by a person ⇒ ISSUE_CLOSED (killed). A merge that is reported after the
 * kill still corrects the story to done (see `transition`).
 */
export async function handleIssueClosed(
  deps: EngineDeps,
  github: GitHubAuth,
  payload: unknown,
  deliveryId: string,
  installationId: number | null,
): Promise<string> {
  const p = payload as ClosedIssuePayload;
  const live = await findLiveStory(deps.pool, p.repository.id, p.issue.number);
  if (!live) return "ignored: no live story";
  if (live.pullRequest !== null && installationId !== null) {
    const octokit = await github.forInstallation(installationId);
    const pr = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
        owner: live.owner,
        repo: live.repo,
        pull_number: live.pullRequest ?? 0,
      }),
    );
    if (pr.data.merged) {
      const by = pr.data.merged_by?.login ?? p.sender.login;
      const r = await applyEvent(
        deps,
        live.id,
        { type: "PR_MERGED", by },
        { deliveryId, pullRequest: live.pullRequest, via: "issues.closed" },
      );
      return r.applied ? `story ${live.id} done: its PR #${live.pullRequest} is merged` : "ignored";
    }
  }
  const r = await applyEvent(deps, live.id, { type: "ISSUE_CLOSED", by: p.sender.login }, { deliveryId });
  return r.applied ? `story ${live.id} killed: issue closed` : "ignored";
}
