import type { CheckAction } from "../github/check-run-payload.js";

/** The eight gates, in order. */
export const GATES = ["intake", "plan", "preflight", "build", "verify", "safety", "review", "merge"] as const;
export type GateName = (typeof GATES)[number];

/** Where one gate stands, as the lead maps it from the story's snapshot. */
export type GateState = "pending" | "running" | "passed" | "held" | "awaiting_approval" | "failed" | "killed";

export interface GateRow {
  gate: GateName;
  state: GateState;
  /** One short line: "2 recycles", "score 0.91", "held: budget". */
  note?: string;
}

/** A decision someone (a person or WAVE) took at a gate. */
export interface Decision {
  /** ISO 8601 time. */
  at: string;
  gate: GateName;
  decision: "go" | "hold" | "unhold" | "approve" | "kill" | "recycle";
  /** A login, or "wave" for automatic decisions. */
  by: string;
  reason?: string;
}

/** The story as a whole, which decides the check's status and conclusion. */
export type StoryStanding =
  | "working"
  | "held"
  | "awaiting_approval"
  | "killed"
  /** Every gate up to merge passed; a person may merge. */
  | "ready"
  | "done";

export interface GatesCheckInput {
  storyId: string;
  issueNumber: number;
  standing: StoryStanding;
  gates: GateRow[];
  /** Newest last; the summary shows the last few. */
  decisions: Decision[];
  /** Why the story is held or killed. */
  reason?: string;
  /** The status comment (or the PR): where a person acts on action_required. */
  detailsUrl: string;
  /** Up to three buttons (see `gateActions` for the usual set). */
  actions: CheckAction[];
  /** Writes GitHub refused for good (dead-lettered effects), newest last: "could not post the status comment: 403 …". */
  problems?: string[];
  /** What the repository's own checks (other apps' suites) say on the head, once one reported. */
  repositoryChecks?: { state: "waiting" | "passed" | "failed"; detail: string };
}

/** Spend of one role on one model. */
export interface SpendRow {
  role: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Spend of one iteration of the story: 0 is its first build, then one per piece of PR feedback sent back to build. */
export interface IterationSpend {
  number: number;
  /** What started it: "first build", "review by @x", "CI: `test`", "base moved". */
  trigger: string;
  calls: number;
  costUsd: number;
}

export interface BudgetCheckInput {
  storyId: string;
  capUsd: number;
  rows: SpendRow[];
  /** The same spend per iteration, oldest first; omitted or empty: no per-iteration table. */
  iterations?: IterationSpend[];
  /** The story is held because the next model call could overrun the cap. */
  heldForBudget: boolean;
  detailsUrl: string;
}
