import type { ScorerOutcome } from "../scorer/scorer-outcome.js";
import type { SafetyVerdict } from "../verdict/safety-verdict.js";

/** The part of a pg Pool or Client the store uses. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Where verdicts are kept; the judge saves every verdict through it and reuses earlier scores for equal inputs. */
export interface VerdictStore {
  save(verdict: SafetyVerdict): Promise<number>;
  /** The scorer outcome of the latest verdict with this digest that was actually scored, if any. */
  scoredOutcome(digest: string): Promise<ScorerOutcome | null>;
}

/** A verdict store on Postgres (table `safety_verdicts`). */
export function postgresVerdictStore(db: Queryable): VerdictStore {
  return {
    save: (verdict) => saveVerdict(db, verdict),
    scoredOutcome: async (digest) => {
      const { rows } = await db.query(
        "SELECT scorer_answer FROM safety_verdicts WHERE inputs_digest = $1 AND scorer_status = 'scored' ORDER BY id DESC LIMIT 1",
        [digest],
      );
      const row = rows[0] as { scorer_answer: ScorerOutcome } | undefined;
      return row ? row.scorer_answer : null;
    },
  };
}

export async function saveVerdict(db: Queryable, verdict: SafetyVerdict): Promise<number> {
  const s = verdict.scorer;
  const usage = s.status === "scored" || s.status === "unparsed" ? s.usage : null;
  const cost = s.status === "scored" || s.status === "unparsed" ? s.costUsd : 0;
  const { rows } = await db.query(
    `INSERT INTO safety_verdicts (story_id, subject_kind, inputs_digest, rule_ids, violations, uncertainties, scorer_status,
       scorer_answer, scorer_model, score, decision, block_below, escalate_below, scoring_cost_usd, scoring_input_tokens, scoring_output_tokens)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [
      verdict.storyId,
      verdict.subjectKind,
      verdict.inputsDigest,
      verdict.ruleIds,
      JSON.stringify(verdict.violations),
      JSON.stringify(verdict.uncertainties),
      s.status,
      JSON.stringify(s),
      s.status === "skipped" ? null : s.model,
      verdict.score,
      verdict.decision,
      verdict.thresholds.block,
      verdict.thresholds.escalate,
      cost,
      usage ? usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens : 0,
      usage ? usage.outputTokens : 0,
    ],
  );
  return Number((rows[0] as { id: string | number }).id);
}

/** The newest stored verdict of a story for the given subject kinds, for the status comment and checks. */
export async function latestVerdict(
  db: Queryable,
  storyId: string,
  kinds: SafetyVerdict["subjectKind"][],
): Promise<{ subjectKind: SafetyVerdict["subjectKind"]; score: number; decision: SafetyVerdict["decision"] } | null> {
  const res = await db.query(
    `SELECT subject_kind, score, decision FROM safety_verdicts WHERE story_id = $1 AND subject_kind = ANY($2::text[]) ORDER BY id DESC LIMIT 1`,
    [storyId, kinds],
  );
  const r = res.rows[0] as
    { subject_kind: SafetyVerdict["subjectKind"]; score: number | string; decision: SafetyVerdict["decision"] } | undefined;
  return r ? { subjectKind: r.subject_kind, score: Number(r.score), decision: r.decision } : null;
}
