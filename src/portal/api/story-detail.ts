import type { Pool } from "../../store/db.js";
import { readSnapshot } from "../../story/snapshot.js";
import { holdReason } from "../../story/gate-view.js";
import { SUMMARY_COLUMNS, toSummary, type StorySummary } from "./story-summary.js";

export interface TimelineEntry {
  gate: string;
  decision: string;
  by: string;
  why: string;
  at: string | null;
  /** Time until the next decision (or until now for the last one), in milliseconds. */
  durationMs: number | null;
}

export interface ToolCallView {
  turn: number;
  tool: string;
  input: unknown;
  decision: string;
  ruleIds: string[];
  reasons: string[];
  exitCode: number | null;
  sandboxMs: number | null;
  isError: boolean;
}

export interface StoryDetail extends StorySummary {
  installationId: number;
  startedBy: string;
  holdReason: string | null;
  holds: Record<string, unknown>;
  timeline: TimelineEntry[];
  plan: unknown;
  modelCalls: {
    role: string;
    model: string;
    status: string;
    inputTokens: number;
    outputTokens: number;
    costUsd: number | null;
    latencyMs: number | null;
    at: string;
  }[];
  toolCalls: ToolCallView[];
  verdicts: { kind: string; decision: string; score: number; ruleIds: string[]; at: string }[];
  diff: string | null;
  audit: {
    id: number;
    actor: string;
    event: string;
    from: string | null;
    to: string | null;
    detail: Record<string, unknown>;
    at: string;
  }[];
  links: { issue: string; pullRequest: string | null; checks: string | null };
}

/** Long lists are cut here; the page says how many were left out. */
export const DETAIL_LIMIT = 500;

export async function loadStoryDetail(pool: Pool, id: string, webUrl: string): Promise<StoryDetail | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const res = await pool.query(
    `SELECT ${SUMMARY_COLUMNS}, s.installation_id, s.started_by, s.snapshot, s.machine_version, s.plan, s.head_sha FROM stories s WHERE s.id = $1`,
    [id],
  );
  const row = res.rows[0] as Record<string, unknown> | undefined;
  if (!row) return null;
  const summary = toSummary(row);
  const snapshot = readSnapshot(row.snapshot, row.machine_version as number);
  const [calls, change, verdicts, audit] = await Promise.all([
    pool.query(
      `SELECT role, model, status, input_tokens, output_tokens, cost_usd, latency_ms, at FROM model_calls WHERE story_id = $1 ORDER BY id LIMIT $2`,
      [id, DETAIL_LIMIT],
    ),
    pool.query(`SELECT patch, tool_calls FROM story_changes WHERE story_id = $1`, [id]),
    pool.query(
      `SELECT subject_kind, decision, score, rule_ids, created_at FROM safety_verdicts WHERE story_id = $1 ORDER BY id DESC LIMIT $2`,
      [id, DETAIL_LIMIT],
    ),
    pool.query(
      `SELECT id, actor, event, from_state, to_state, detail, at FROM audit_events WHERE story_id = $1 ORDER BY id DESC LIMIT $2`,
      [id, DETAIL_LIMIT],
    ),
  ]);
  const decisions = snapshot.context.decisions;
  const timeline = decisions.map((d, i): TimelineEntry => {
    const next = decisions[i + 1]?.at;
    const start = d.at ? Date.parse(d.at) : NaN;
    const end = next ? Date.parse(next) : summary.status === "active" || summary.status === "held" ? Date.now() : NaN;
    return {
      gate: d.gate,
      decision: d.decision,
      by: d.by,
      why: d.why,
      at: d.at ?? null,
      durationMs: Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : null,
    };
  });
  const changeRow = change.rows[0] as { patch: string; tool_calls: Record<string, unknown>[] } | undefined;
  const repoUrl = `${webUrl}/${summary.repository}`;
  return {
    ...summary,
    installationId: row.installation_id as number,
    startedBy: row.started_by as string,
    holdReason: holdReason(snapshot.context) ?? null,
    holds: snapshot.context.holds as Record<string, unknown>,
    timeline,
    plan: row.plan ?? null,
    modelCalls: calls.rows.map((r: Record<string, unknown>) => ({
      role: r.role as string,
      model: r.model as string,
      status: r.status as string,
      inputTokens: r.input_tokens as number,
      outputTokens: r.output_tokens as number,
      costUsd: r.cost_usd === null ? null : Number(r.cost_usd),
      latencyMs: (r.latency_ms as number | null) ?? null,
      at: (r.at as Date).toISOString(),
    })),
    toolCalls: (changeRow?.tool_calls ?? []).slice(0, DETAIL_LIMIT).map((t) => ({
      turn: Number(t.turn ?? 0),
      tool: String(t.tool ?? ""),
      input: t.input,
      decision: String(t.decision ?? ""),
      ruleIds: Array.isArray(t.ruleIds) ? t.ruleIds.map(String) : [],
      reasons: Array.isArray(t.reasons) ? t.reasons.map(String) : [],
      exitCode: typeof t.exitCode === "number" ? t.exitCode : null,
      sandboxMs: typeof t.sandboxMs === "number" ? t.sandboxMs : null,
      isError: t.isError === true,
    })),
    verdicts: verdicts.rows.map((r: Record<string, unknown>) => ({
      kind: r.subject_kind as string,
      decision: r.decision as string,
      score: Number(r.score),
      ruleIds: (r.rule_ids as string[] | null) ?? [],
      at: (r.created_at as Date).toISOString(),
    })),
    diff: changeRow?.patch ?? null,
    audit: audit.rows.map((r: Record<string, unknown>) => ({
      id: r.id as number,
      actor: r.actor as string,
      event: r.event as string,
      from: (r.from_state as string | null) ?? null,
      to: (r.to_state as string | null) ?? null,
      detail: (r.detail as Record<string, unknown>) ?? {},
      at: (r.at as Date).toISOString(),
    })),
    links: {
      issue: `${repoUrl}/issues/${summary.issueNumber}`,
      pullRequest: summary.prUrl ?? (summary.pullRequest ? `${repoUrl}/pull/${summary.pullRequest}` : null),
      checks: summary.pullRequest ? `${repoUrl}/pull/${summary.pullRequest}/checks` : null,
    },
  };
}
