import { z } from "zod";
import type { CheckRunRecord } from "../github/write-check-run.js";
import type { Pool } from "../store/db.js";

/** What WAVE keeps about the story's PR beyond the `stories` row's pull_request, head_sha and branch. */
export interface PullRequestFacts {
  /** The newest run WAVE wrote per check name. */
  checkRuns: Record<string, CheckRunRecord>;
  /** The commit WAVE published last; another head means someone else pushed. */
  publishedSha: string | null;
  /** The base branch head that commit sat on (null before it was kept); a newer base makes the next publish a merge. */
  publishedBaseSha: string | null;
  nodeId: string | null;
  draft: boolean | null;
  url: string | null;
  /** The head the reviewer agent's review was posted for, and its verdict. */
  reviewedSha: string | null;
  reviewVerdict: string | null;
}

const recordSchema = z.object({
  id: z.number(),
  headSha: z.string(),
  digest: z.string(),
  annotationsDigest: z.string(),
  completed: z.boolean(),
});

export async function loadPullRequestFacts(pool: Pool, storyId: string): Promise<PullRequestFacts> {
  const res = await pool.query(
    `SELECT check_runs, published_sha, published_base_sha, pr_node_id, pr_draft, pr_url, reviewed_sha, review_verdict FROM stories WHERE id = $1`,
    [storyId],
  );
  const r = res.rows[0] as
    | {
        check_runs: unknown;
        published_sha: string | null;
        published_base_sha: string | null;
        pr_node_id: string | null;
        pr_draft: boolean | null;
        pr_url: string | null;
        reviewed_sha: string | null;
        review_verdict: string | null;
      }
    | undefined;
  const parsed = z.record(z.string(), recordSchema).safeParse(r?.check_runs ?? {});
  return {
    checkRuns: parsed.success ? parsed.data : {},
    publishedSha: r?.published_sha ?? null,
    publishedBaseSha: r?.published_base_sha ?? null,
    nodeId: r?.pr_node_id ?? null,
    draft: r?.pr_draft ?? null,
    url: r?.pr_url ?? null,
    reviewedSha: r?.reviewed_sha ?? null,
    reviewVerdict: r?.review_verdict ?? null,
  };
}

/** Stores one check run's record, leaving the other names' records as they are (two writers may race on different names). */
export async function saveCheckRunRecord(pool: Pool, storyId: string, name: string, record: CheckRunRecord): Promise<void> {
  await pool.query(`UPDATE stories SET check_runs = check_runs || jsonb_build_object($2::text, $3::jsonb) WHERE id = $1`, [
    storyId,
    name,
    JSON.stringify(record),
  ]);
}

/** After a publish: the PR, its head, the commit WAVE made and the base head it sits on. */
export async function savePublished(
  pool: Pool,
  storyId: string,
  facts: { pullRequest: number; branch: string; headSha: string; nodeId: string; draft: boolean; url: string; baseSha?: string },
): Promise<void> {
  await pool.query(
    `UPDATE stories SET pull_request = $2, branch = $3, head_sha = $4, published_sha = $4, pr_node_id = $5, pr_draft = $6, pr_url = $7,
       published_base_sha = COALESCE($8, published_base_sha) WHERE id = $1`,
    [storyId, facts.pullRequest, facts.branch, facts.headSha, facts.nodeId, facts.draft, facts.url, facts.baseSha ?? null],
  );
}

export async function saveHeadSha(pool: Pool, storyId: string, headSha: string): Promise<void> {
  await pool.query(`UPDATE stories SET head_sha = $2 WHERE id = $1`, [storyId, headSha]);
}

export async function saveDraft(pool: Pool, storyId: string, draft: boolean): Promise<void> {
  await pool.query(`UPDATE stories SET pr_draft = $2 WHERE id = $1`, [storyId, draft]);
}

export async function saveReviewed(pool: Pool, storyId: string, headSha: string, verdict: string): Promise<void> {
  await pool.query(`UPDATE stories SET reviewed_sha = $2, review_verdict = $3 WHERE id = $1`, [storyId, headSha, verdict]);
}
