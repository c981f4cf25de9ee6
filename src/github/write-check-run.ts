import { createHash } from "node:crypto";
import { callGitHub } from "./call-github.js";
import { createOnce } from "./create-once.js";
import { CHECK_LIMITS, fitCheckRunPayload } from "./check-run-limits.js";
import type { CheckAnnotation, CheckRunPayload } from "./check-run-payload.js";
import type { RepoContext } from "./client.js";

/** What to store per check run name so the next write updates in place or skips. */
export interface CheckRunRecord {
  id: number;
  headSha: string;
  /** Digest of everything but the annotations. */
  digest: string;
  annotationsDigest: string;
  completed: boolean;
}

export interface WriteCheckRunResult {
  record: CheckRunRecord;
  /** "unchanged" made no request. */
  action: "created" | "updated" | "unchanged";
  requests: number;
}

function digestOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 32);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The one way WAVE writes a check run. Creates it on `headSha`, or updates the stored
 * run by id, or does nothing when the payload is unchanged. GitHub's limits are
 * respected: text is cut with a marker, annotations go 50 per request.
 *
 * A new run is created (rather than updated) when the head SHA changed, when a
 * completed run would go back to in progress, or when the annotations changed,
 * because GitHub appends annotations on update and cannot remove them; the newest run
 * of a name is the one branch protection reads.
 */
export async function writeCheckRun(
  ctx: RepoContext,
  input: {
    headSha: string;
    payload: CheckRunPayload;
    stored?: CheckRunRecord;
    /** Create a new run even when the stored one matches: the answer to `check_run.rerequested`. */
    fresh?: boolean;
  },
): Promise<WriteCheckRunResult> {
  const payload = fitCheckRunPayload(input.payload);
  const annotations = payload.annotations ?? [];
  const body = {
    name: payload.name,
    status: payload.status,
    ...(payload.conclusion ? { conclusion: payload.conclusion } : {}),
    ...(payload.detailsUrl ? { details_url: payload.detailsUrl } : {}),
    ...(payload.externalId ? { external_id: payload.externalId } : {}),
    actions: payload.actions ?? [],
  };
  const output = { title: payload.title, summary: payload.summary, ...(payload.text === undefined ? {} : { text: payload.text }) };
  const digest = digestOf({ headSha: input.headSha, body, output });
  const annotationsDigest = digestOf(annotations);
  const completed = payload.status === "completed";
  const stored = input.fresh ? undefined : input.stored;

  if (stored && stored.headSha === input.headSha && stored.digest === digest && stored.annotationsDigest === annotationsDigest) {
    return { record: stored, action: "unchanged", requests: 0 };
  }
  const canUpdate =
    stored !== undefined &&
    stored.headSha === input.headSha &&
    stored.annotationsDigest === annotationsDigest &&
    !(stored.completed && !completed);

  const [first = [], ...rest] = chunks<CheckAnnotation>(annotations, CHECK_LIMITS.annotationsPerRequest);
  const { owner, repo } = ctx;
  let id: number;
  let requests = 0;
  if (canUpdate) {
    // Annotations are unchanged and already on the run; sending them again would duplicate them.
    await callGitHub(
      () =>
        ctx.octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          owner,
          repo,
          check_run_id: stored.id,
          ...body,
          output,
        }),
      ctx.retry,
    );
    id = stored.id;
    requests++;
  } else {
    // After an ambiguous answer the run may exist: look for it by name and external id on the head.
    const find = async () => {
      requests++;
      const listed = await callGitHub(
        () =>
          ctx.octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
            owner,
            repo,
            ref: input.headSha,
            check_name: payload.name,
            filter: "all",
            per_page: 100,
          }),
        ctx.retry,
      );
      // Runs of this name already on this head before this write (older ids) are not the one just sent.
      const after = input.stored?.headSha === input.headSha ? input.stored.id : 0;
      const ours = listed.data.check_runs.filter((run) => run.id > after && (run.external_id ?? undefined) === payload.externalId);
      return ours.length > 0 ? Math.max(...ours.map((run) => Number(run.id))) : undefined;
    };
    id = await createOnce(async () => {
      requests++;
      const created = await callGitHub(
        () =>
          ctx.octokit.request("POST /repos/{owner}/{repo}/check-runs", {
            owner,
            repo,
            head_sha: input.headSha,
            ...body,
            output: { ...output, ...(first.length > 0 ? { annotations: first } : {}) },
          }),
        ctx.retry,
      );
      return Number(created.data.id);
    }, find);
    for (const batch of rest) {
      await callGitHub(
        () =>
          ctx.octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
            owner,
            repo,
            check_run_id: id,
            output: { ...output, annotations: batch },
          }),
        ctx.retry,
      );
      requests++;
    }
  }
  return {
    record: { id, headSha: input.headSha, digest, annotationsDigest, completed },
    action: canUpdate ? "updated" : "created",
    requests,
  };
}
