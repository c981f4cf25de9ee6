/**
 * Effects: what a committed story change asks of GitHub and the sandbox. They
 * are stored in the outbox in the same transaction as the change and delivered
 * after commit, at least once, so each one is idempotent.
 */
export type Effect =
  /** Render the status comment and label mirror from the story's stored state. */
  | { kind: "sync-issue" }
  /** Render the PR's check runs (`wave/gates`, `wave/safety`, `wave/budget`) from the stored state; a no-op while the story has no PR. */
  | { kind: "sync-checks" }
  /** Stop every sandbox the story has running. */
  | { kind: "stop-sandbox" }
  /** A one-off reply on the issue or PR, posted once: `key` is kept in a hidden marker. */
  | { kind: "reply"; issueNumber: number; key: string; body: string }
  /** A reply in a review comment's thread on the story's PR, posted once: `key` is kept in a hidden marker. */
  | { kind: "thread-reply"; pullNumber: number; commentId: number; key: string; body: string };

export type EffectKind = Effect["kind"];

/** Effects whose outcome depends only on current state: several pending ones collapse into one delivery. */
export const stateDerived: ReadonlySet<EffectKind> = new Set<EffectKind>(["sync-issue", "sync-checks", "stop-sandbox"]);
