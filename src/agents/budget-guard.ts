import { BudgetExceeded } from "../errors.js";

/** What is spent and allowed, for a story and for its repository this month. */
export interface BudgetPosition {
  storySpentUsd: number;
  storyCapUsd: number;
  repoSpentUsd: number;
  repoCapUsd: number;
}

/** USD that can still be spent without crossing either cap. */
export function remainingUsd(p: BudgetPosition): number {
  return Math.max(0, Math.min(p.storyCapUsd - p.storySpentUsd, p.repoCapUsd - p.repoSpentUsd));
}

/**
 * Refuses a call whose worst case could cross either cap. Pure: the caller
 * holds whatever lock makes `position` current.
 */
export function assertAffordable(p: BudgetPosition, worstCaseUsd: number, what: string): void {
  const storyLeft = p.storyCapUsd - p.storySpentUsd;
  const repoLeft = p.repoCapUsd - p.repoSpentUsd;
  if (worstCaseUsd <= storyLeft && worstCaseUsd <= repoLeft) return;
  const storyBound = storyLeft <= repoLeft;
  const left = Math.max(0, storyBound ? storyLeft : repoLeft);
  throw new BudgetExceeded(
    `Budget exhausted: ${what} could cost up to ${usd(worstCaseUsd)}, and only ${usd(left)} is left of the ${
      storyBound ? `story's ${usd(p.storyCapUsd)} cap` : `repository's monthly ${usd(p.repoCapUsd)} cap`
    } (${usd(storyBound ? p.storySpentUsd : p.repoSpentUsd)} spent).`,
    {
      hint: storyBound
        ? "Raise this story's cap with `/wave budget +<usd>`, or lower agents.*.max_tokens in .github/wave.yml."
        : "Raise budget.repo_monthly_cap_usd in .github/wave.yml, or wait for next month.",
    },
  );
}

function usd(n: number): string {
  return `$${n.toFixed(n < 1 ? 4 : 2)}`;
}
