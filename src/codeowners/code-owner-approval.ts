import type { RepoContext } from "../github/client.js";
import type { Pool } from "../store/db.js";
import { recordCodeOwnerApproval } from "./approvals-store.js";
import { missingPaths, ownedPaths, ownerName, type OwnedPath } from "./coverage.js";
import { parseCodeowners } from "./parse-codeowners.js";
import { pullRequestFiles } from "./pull-request-files.js";
import { readCodeowners } from "./read-codeowners.js";
import { pathsOwnedBy } from "./sender-owns.js";

/** Whether a `/wave approve` completes the code owners' approval of the pull request, and what to say when not. */
export type CodeOwnerOutcome = { complete: true; note: string } | { complete: false; note: string; explanation: string };

const MAX_LISTED = 20;

function listPaths(items: readonly OwnedPath[]): string {
  const shown = items.slice(0, MAX_LISTED).map((item) => `\`${item.path}\` (${item.owners.map(ownerName).join(", ")})`);
  return shown.join(", ") + (items.length > MAX_LISTED ? `, and ${items.length - MAX_LISTED} more` : "");
}

/**
 * `commands.permissions.approve.code_owners`: a `/wave approve` at the review
 * gate counts for the changed paths its sender owns (CODEOWNERS on the pull
 * request's base branch, GitHub's lookup order and pattern rules); approvals
 * at the same head add up, and the gate passes once every owned path is
 * covered. Paths no rule owns need no owner, as on GitHub.
 */
export async function codeOwnerApproval(
  ctx: RepoContext,
  pool: Pool,
  story: { id: string; pullRequest: number | null },
  login: string,
): Promise<CodeOwnerOutcome> {
  if (story.pullRequest === null)
    return {
      complete: false,
      note: "approve: no pull request yet",
      explanation: "There is no pull request yet whose code owners could approve it.",
    };
  const pull = await pullRequestFiles(ctx, story.pullRequest);
  const file = await readCodeowners(ctx, pull.base);
  if (!file) return { complete: true, note: `approve: no CODEOWNERS on ${pull.base}` };
  const codeowners = parseCodeowners(file.text);
  const { owned, notes } = ownedPaths(codeowners, pull.paths);
  const remarks = [...codeowners.notes.map((n) => `${file.path} ${n}`), ...notes];
  const tail = remarks.length > 0 ? `\n\nNotes on ${file.path}:\n${remarks.map((n) => `- ${n}`).join("\n")}` : "";
  if (owned.length === 0) return { complete: true, note: "approve: no changed path has a code owner" };
  const mine = await pathsOwnedBy(ctx.octokit, login, owned);
  if (mine.length === 0) {
    return {
      complete: false,
      note: "approve: not a code owner of any changed path",
      explanation: `You are not a code owner (${file.path} on \`${pull.base}\`) of any path this pull request changes, so your approval does not count here. Still lacking a code owner's approval: ${listPaths(owned)}.${tail}`,
    };
  }
  const approved = await recordCodeOwnerApproval(pool, { storyId: story.id, headSha: pull.headSha, login, paths: mine });
  const missing = missingPaths(owned, approved);
  if (missing.length === 0) return { complete: true, note: `approve: code owners approved all ${owned.length} owned paths` };
  return {
    complete: false,
    note: `approve: ${owned.length - missing.length} of ${owned.length} owned paths approved by code owners`,
    explanation: `Your approval is recorded for ${mine.map((p) => `\`${p}\``).join(", ")} (commit ${pull.headSha.slice(0, 7)}). The review gate still needs a code owner's \`/wave approve\` for: ${listPaths(missing)}.${tail}`,
  };
}
