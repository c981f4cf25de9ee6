import type { CheckRunPayload } from "../github/check-run-payload.js";
import { renderSafetyCheck, safetyCheckName, type SafetyVerdict, type ScorerOutcome, type Violation } from "../safety/index.js";
import type { Pool } from "../store/db.js";

/**
 * The newest verdict on the story's final diff, read back from the safety
 * layer's store, so `wave/safety` can be rendered again by any replica at any time.
 */
export async function storedDiffVerdict(pool: Pool, storyId: string): Promise<SafetyVerdict | null> {
  const res = await pool.query(
    `SELECT subject_kind, inputs_digest, rule_ids, violations, uncertainties, scorer_answer, score, decision, block_below, escalate_below
     FROM safety_verdicts WHERE story_id = $1 AND subject_kind = 'diff' ORDER BY id DESC LIMIT 1`,
    [storyId],
  );
  const r = res.rows[0] as
    | {
        inputs_digest: string;
        rule_ids: string[];
        violations: Violation[];
        uncertainties: string[];
        scorer_answer: ScorerOutcome | null;
        score: number | string;
        decision: SafetyVerdict["decision"];
        block_below: number | string;
        escalate_below: number | string;
      }
    | undefined;
  if (!r) return null;
  const violations = r.violations ?? [];
  return {
    subjectKind: "diff",
    storyId,
    inputsDigest: r.inputs_digest,
    decision: r.decision,
    score: Number(r.score),
    thresholds: { block: Number(r.block_below), escalate: Number(r.escalate_below) },
    violations,
    uncertainties: r.uncertainties ?? [],
    scorer: r.scorer_answer ?? { status: "skipped", reason: "no scorer outcome was stored" },
    reasons: violations.map((v) => v.message),
    ruleIds: r.rule_ids ?? [],
  };
}

/** The `wave/safety` run for a verdict, in the shape the one check-run writer takes. */
export function safetyCheckPayload(verdict: SafetyVerdict, storyId: string, detailsUrl: string): CheckRunPayload {
  const rendered = renderSafetyCheck(verdict);
  return {
    name: safetyCheckName,
    status: "completed",
    conclusion: rendered.conclusion,
    title: rendered.title,
    summary: rendered.summary,
    text: rendered.text,
    detailsUrl,
    externalId: storyId,
    annotations: rendered.annotations,
  };
}
