import { pgBudgetLedger } from "../agents/ledger.js";
import { bar, usd } from "../checks/format.js";
import type { StatusFacts } from "../engine/ports.js";
import { latestVerdict } from "../safety/index.js";
import type { Pool } from "../store/db.js";
import type { StoryRow } from "../store/stories.js";
import type { StoredPlan } from "./stored-plan.js";

/**
 * What the gates add to the status comment, read from what they stored: the
 * plan, spend against the cap, the latest safety verdict and the pull request.
 */
export function gateStatusFacts(pool: Pool): StatusFacts {
  const ledger = pgBudgetLedger(pool);
  return {
    async extras(story: StoryRow) {
      const plan = story.plan as StoredPlan | null;
      const position = await ledger.position({
        storyId: story.id,
        repoId: story.repoId,
        storyCapUsd: story.config.budget.story_cap_usd,
        repoCapUsd: story.config.budget.repo_monthly_cap_usd,
      });
      const spent = position.storySpentUsd;
      const budget = `${usd(spent)} of ${usd(position.storyCapUsd)} ${bar(position.storyCapUsd > 0 ? spent / position.storyCapUsd : 1, 10)}`;
      const v = await latestVerdict(pool, story.id, ["plan", "diff"]);
      const safety = v ? `${v.score.toFixed(2)} (${v.decision}, ${v.subjectKind === "diff" ? "final diff" : "plan"})` : null;
      const pr = await pool.query(`SELECT pr_url FROM stories WHERE id = $1`, [story.id]);
      const pullRequestUrl = (pr.rows[0] as { pr_url: string | null } | undefined)?.pr_url ?? null;
      return { plan: plan?.markdown ?? null, budget, safety, pullRequestUrl };
    },
  };
}
