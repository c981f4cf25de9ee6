import type { ScorerOutcome } from "../scorer/scorer-outcome.js";
import type { SafetyDecision, SubjectKind, Violation } from "../types.js";
import type { Thresholds } from "./combine-score.js";

/** Everything the safety gate decided about one subject; what is stored, rendered and acted on. */
export interface SafetyVerdict {
  subjectKind: SubjectKind;
  storyId: string | null;
  /** sha256 of the subject, the policy context and the scorer settings. */
  inputsDigest: string;
  decision: SafetyDecision;
  score: number;
  thresholds: Thresholds;
  violations: Violation[];
  uncertainties: string[];
  scorer: ScorerOutcome;
  reasons: string[];
  ruleIds: string[];
}
