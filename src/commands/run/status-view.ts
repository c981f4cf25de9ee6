import { pgBudgetLedger } from "../../agents/ledger.js";
import { gateLabels } from "../../checks/format.js";
import type { Pool } from "../../store/db.js";
import { orgStop } from "../../store/org-controls.js";
import type { StoryRow } from "../../store/stories.js";
import { holdReason } from "../../story/gate-view.js";
import { readSnapshot } from "../../story/snapshot.js";
import { gateOf, stateName } from "../../story/transition.js";
import { recentCommands } from "../command-audit.js";
import { whereItStands } from "../render/not-applied.js";
import type { StatusView } from "../render/status.js";
import type { Holds } from "../../story/machine.js";

/** What `/wave status` shows, read from the stored story, the budget ledger and the audit trail. */
export async function statusView(pool: Pool, story: StoryRow, limit = 5): Promise<StatusView> {
  const snapshot = readSnapshot(story.snapshot, story.machineVersion);
  const ctx = snapshot.context;
  const held = stateName(snapshot) === "held";
  const budget = story.config.budget;
  const position = await pgBudgetLedger(pool).position({
    storyId: story.id,
    repoId: story.repoId,
    storyCapUsd: budget.story_cap_usd,
    repoCapUsd: budget.repo_monthly_cap_usd,
  });
  return {
    story: `#${story.issueNumber} ${story.story.title}`,
    gate: gateLabels[gateOf(ctx)],
    // A held story's details are on the hold line.
    state: held ? "held" : whereItStands(snapshot),
    hold: held ? holdLine(ctx.holds, holdReason(ctx) ?? null) : null,
    emergencyStop: (await orgStop(pool, story.owner)) !== null,
    budget: { spentCents: Math.round(position.storySpentUsd * 100), capCents: Math.round(position.storyCapUsd * 100) },
    statusCommentUrl: null,
    audit: await recentCommands(pool, story, limit),
  };
}

/** Who holds the story and why: a person's own words when theirs is the only hold, else the most pressing hold. */
function holdLine(holds: Holds, pressing: string | null): StatusView["hold"] {
  const person = holds.people?.length === 1 ? holds.people[0] : undefined;
  const onlyPerson = person && !holds.emergency && !holds.budget && !holds.gate;
  if (onlyPerson) return { by: person.by, reason: person.reason };
  return { by: holds.emergency?.by ?? null, reason: pressing };
}
