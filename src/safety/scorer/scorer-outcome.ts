import type { ScorerAnswer } from "./scorer-answer.js";
import type { TokenUsage as ScoringUsage } from "../../agents/cost.js";

/**
 * What came of asking the scorer. `unparsed` counts as 0.5 and keeps the raw
 * answer; `unavailable` (unreachable, timed out, refused) counts as 0: the
 * gate fails closed. `skipped` means the model was not asked, with why.
 */
export type ScorerOutcome =
  | { status: "scored"; score: number; answer: ScorerAnswer; model: string; usage: ScoringUsage; costUsd: number | null }
  | { status: "unparsed"; score: 0.5; raw: unknown; error: string; model: string; usage: ScoringUsage; costUsd: number | null }
  | { status: "unavailable"; score: 0; error: string; model: string }
  | { status: "skipped"; reason: string };

export const noUsage: ScoringUsage = { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 };
