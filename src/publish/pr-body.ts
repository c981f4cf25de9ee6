import { budgetLine, totalSpend } from "../checks/budget-check.js";
import { renderGateTable } from "../checks/gate-table.js";
import type { GateRow, SpendRow } from "../checks/types.js";
import { truncateWithMarker } from "../github/check-run-limits.js";
import { storyMarker } from "../github/story-marker.js";

/** GitHub's limit for a PR body. */
const PR_BODY_LIMIT = 65_536;

export interface PullRequestBodyInput {
  storyId: string;
  issueNumber: number;
  plan: {
    summary: string;
    steps: string[];
    acceptanceCriteria: string[];
  };
  gates: GateRow[];
  budget: { capUsd: number; rows: SpendRow[] };
  safety: {
    /** Combined score in [0, 1]; null before the safety gate ran. */
    score: number | null;
    /** One line, e.g. "passed: no policy findings". */
    verdict: string;
  };
  /** The story's status comment, when known. */
  statusUrl?: string;
}

/** The title of the story's PR: the issue's title, as the story parsed it. */
export function pullRequestTitle(storyTitle: string): string {
  const oneLine = storyTitle.replace(/\s+/g, " ").trim();
  return oneLine.length > 256 ? `${oneLine.slice(0, 255)}…` : oneLine;
}

/**
 * The PR body: `Closes #N`, the plan, the gate table, budget and safety, and how to
 * steer the story, ending with the hidden story marker that ties the PR to its story.
 */
export function renderPullRequestBody(input: PullRequestBodyInput): string {
  const list = (items: string[], numbered: boolean) =>
    items.length === 0 ? ["_none_"] : items.map((item, i) => `${numbered ? `${i + 1}.` : "- [ ]"} ${item.replace(/\s*\n\s*/g, " ")}`);
  const score = input.safety.score === null ? "not scored yet" : input.safety.score.toFixed(2);
  const body = [
    `Closes #${input.issueNumber}`,
    "",
    "## Plan",
    "",
    input.plan.summary.trim(),
    "",
    ...list(input.plan.steps, true),
    "",
    "**Acceptance criteria**",
    "",
    ...list(input.plan.acceptanceCriteria, false),
    "",
    "## Gates",
    "",
    renderGateTable(input.gates),
    "",
    `**Budget:** ${budgetLine(totalSpend(input.budget.rows), input.budget.capUsd)}; details in the \`wave/budget\` check.`,
    "",
    `**Safety:** ${input.safety.verdict.replace(/\s*\n\s*/g, " ")} (score ${score}); details in the \`wave/safety\` check.`,
    "",
    "## Steering this story",
    "",
    "Comment on this PR or on the issue:",
    "",
    "- `/wave approve`: approve after your review (the merge stays blocked by `wave/gates` until then)",
    "- `/wave recycle <feedback>`: send it back to build with your feedback; this PR updates",
    "- `/wave hold [reason]` / `/wave unhold`: pause and resume",
    "- `/wave kill <reason>`: stop the story",
    "- `/wave budget +<usd>`: raise the budget cap",
    "- `/wave status`, `/wave help`",
    ...(input.statusUrl ? ["", `[Story status](${input.statusUrl})`] : []),
  ].join("\n");
  const marker = `\n\n${storyMarker(input.storyId)}`;
  return truncateWithMarker(body, PR_BODY_LIMIT - marker.length) + marker;
}
