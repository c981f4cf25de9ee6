import { callGitHub } from "./call-github.js";
import type { GitHubClient } from "./client.js";

/**
 * `POST /repos/{owner}/{repo}/dispatches` (event type and payload as given). Not find-before-create: a
 * dispatch leaves nothing to find, and a repeated one is harmless because the app accepts one session
 * per job id and refuses a second.
 */
export async function dispatchRepositoryEvent(
  octokit: GitHubClient,
  where: { owner: string; repo: string },
  eventType: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await callGitHub(() =>
    octokit.request("POST /repos/{owner}/{repo}/dispatches", {
      owner: where.owner,
      repo: where.repo,
      event_type: eventType,
      client_payload: payload,
    }),
  );
}
