/** One story as the list pages and `GET /wave/api/stories` show it. */
export interface StorySummary {
  id: string;
  repository: string;
  repoId: number;
  issueNumber: number;
  title: string;
  gate: string;
  status: "active" | "held" | "killed" | "done";
  /** The step the story stands at (or resumes to when held). */
  step: string;
  /** Held, or at an approval step: nothing moves until a person acts. */
  waitingForHuman: boolean;
  /** Since when it has been in that state (the last change of the story). */
  since: string;
  spentUsd: number;
  capUsd: number | null;
  pullRequest: number | null;
  prUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Approval steps: the statechart waits for `/wave approve` there. */
export const APPROVAL_STEPS = ["planApproval", "preflightApproval", "safetyApproval", "reviewApproval"] as const;

/** SQL (over `stories s`) for "a person has to act before this story moves". */
export const WAITING_SQL = `(s.status = 'held' OR (s.status = 'active' AND s.snapshot->'context'->>'step' IN (${APPROVAL_STEPS.map((s) => `'${s}'`).join(", ")})))`;

/** Spend counts a reservation's worst case until it settles, as the budget guard does. */
export const SPENT_SQL = `COALESCE((SELECT sum(COALESCE(m.cost_usd, CASE WHEN m.status = 'reserved' THEN m.worst_case_usd ELSE 0 END)) FROM model_calls m WHERE m.story_id = s.id), 0)`;
export const CAP_SQL = `((s.config->'budget'->>'story_cap_usd')::numeric + COALESCE((SELECT sum(r.amount_usd) FROM story_budget_raises r WHERE r.story_id = s.id), 0))`;

export const SUMMARY_COLUMNS = `s.id, s.owner, s.repo, s.repo_id, s.issue_number, s.story->>'title' AS title, s.gate, s.status,
  s.snapshot->'context'->>'step' AS step, ${WAITING_SQL} AS waiting, s.updated_at, s.created_at, s.pull_request, s.pr_url,
  ${SPENT_SQL} AS spent, ${CAP_SQL} AS cap`;

export function toSummary(r: Record<string, unknown>): StorySummary {
  return {
    id: r.id as string,
    repository: `${r.owner as string}/${r.repo as string}`,
    repoId: r.repo_id as number,
    issueNumber: r.issue_number as number,
    title: (r.title as string | null) ?? "",
    gate: r.gate as string,
    status: r.status as StorySummary["status"],
    step: (r.step as string | null) ?? "",
    waitingForHuman: r.waiting === true,
    since: (r.updated_at as Date).toISOString(),
    spentUsd: Number(r.spent ?? 0),
    capUsd: r.cap === null || r.cap === undefined ? null : Number(r.cap),
    pullRequest: (r.pull_request as number | null) ?? null,
    prUrl: (r.pr_url as string | null) ?? null,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}
