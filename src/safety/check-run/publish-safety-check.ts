import type { Octokit } from "@octokit/rest";
import { inputsDigest } from "../verdict/inputs-digest.js";
import type { SafetyVerdict } from "../verdict/safety-verdict.js";
import { renderSafetyCheck, safetyCheckName } from "./render-safety-check.js";

/** The check-run calls used; Probot's `context.octokit` and `@octokit/rest` both fit. */
export interface ChecksClient {
  rest: { checks: Pick<Octokit["rest"]["checks"], "create" | "update"> };
}

export interface PublishSafetyCheck {
  owner: string;
  repo: string;
  headSha: string;
  verdict: SafetyVerdict;
  /** The check run already made for this head SHA, if any (stored by the caller). */
  checkRunId?: number | null;
  /** The digest returned last time; when equal and the run exists, nothing is written. */
  previousDigest?: string | null;
  /** Where a human approves an escalated change (the status comment or the story page). */
  detailsUrl?: string;
  /** Up to three buttons (identifier and label at most 20 characters, description at most 40). */
  requestedActions?: { label: string; description: string; identifier: string }[];
  externalId?: string;
}

/** GitHub takes at most 50 annotations per request; more are appended by later updates. */
const annotationsPerRequest = 50;

/**
 * Creates the `wave/safety` check run on the head SHA, or updates it by its
 * stored id, and skips the write when the rendered output is unchanged. When
 * the annotations changed, a new run is created instead (GitHub only ever
 * appends annotations to a run), which supersedes the old one.
 * Returns the id and the digest to store for next time.
 */
export async function publishSafetyCheck(
  octokit: ChecksClient,
  input: PublishSafetyCheck,
): Promise<{ checkRunId: number; digest: string; written: boolean }> {
  const rendered = renderSafetyCheck(input.verdict);
  const actions = (input.requestedActions ?? [])
    .slice(0, 3)
    .map((a) => ({ label: a.label.slice(0, 20), description: a.description.slice(0, 40), identifier: a.identifier.slice(0, 20) }));
  // Two parts: GitHub appends annotations on every update and cannot remove them, so changed
  // annotations need a new run; anything else is updated in place.
  const annotationsDigest = inputsDigest(rendered.annotations).slice(0, 16);
  const digest = `${inputsDigest({ rendered, actions, detailsUrl: input.detailsUrl ?? null, headSha: input.headSha }).slice(0, 48)}:${annotationsDigest}`;
  if (input.checkRunId && input.previousDigest === digest) return { checkRunId: input.checkRunId, digest, written: false };
  const sameAnnotations = input.previousDigest?.split(":")[1] === annotationsDigest;
  const batches: (typeof rendered.annotations)[] = [];
  for (let i = 0; i < rendered.annotations.length; i += annotationsPerRequest)
    batches.push(rendered.annotations.slice(i, i + annotationsPerRequest));
  const output = (n: number) => ({
    title: rendered.title,
    summary: rendered.summary,
    text: rendered.text,
    ...(batches[n] ? { annotations: batches[n] } : {}),
  });
  const common = {
    owner: input.owner,
    repo: input.repo,
    status: "completed" as const,
    conclusion: rendered.conclusion,
    completed_at: new Date().toISOString(),
    ...(input.detailsUrl ? { details_url: input.detailsUrl } : {}),
    ...(input.externalId ? { external_id: input.externalId } : {}),
    ...(actions.length > 0 ? { actions } : {}),
  };
  if (input.checkRunId && sameAnnotations) {
    // The run already carries these annotations; send the rest of the output without them.
    await octokit.rest.checks.update({
      ...common,
      check_run_id: input.checkRunId,
      name: safetyCheckName,
      output: { title: rendered.title, summary: rendered.summary, text: rendered.text },
    });
    return { checkRunId: input.checkRunId, digest, written: true };
  }
  const created = await octokit.rest.checks.create({ ...common, name: safetyCheckName, head_sha: input.headSha, output: output(0) });
  const checkRunId = created.data.id;
  for (let n = 1; n < batches.length; n++) {
    await octokit.rest.checks.update({ owner: input.owner, repo: input.repo, check_run_id: checkRunId, output: output(n) });
  }
  return { checkRunId, digest, written: true };
}
