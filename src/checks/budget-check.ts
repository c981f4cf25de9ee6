import type { CheckRunPayload } from "../github/check-run-payload.js";
import { bar, cell, integer, usd } from "./format.js";
import type { BudgetCheckInput, IterationSpend, SpendRow } from "./types.js";

export const BUDGET_CHECK_NAME = "wave/budget";

/** Total spend of the rows. */
export function totalSpend(rows: SpendRow[]): number {
  return rows.reduce((sum, row) => sum + row.costUsd, 0);
}

/** "Spent $1.20 of $5.00 (24%)": used by the check and the PR body. */
export function budgetLine(spentUsd: number, capUsd: number): string {
  const percent = capUsd > 0 ? Math.round((spentUsd / capUsd) * 100) : 100;
  return `Spent ${usd(spentUsd)} of ${usd(capUsd)} (${percent}%)`;
}

function merged(rows: SpendRow[]): SpendRow[] {
  const byKey = new Map<string, SpendRow>();
  for (const row of rows) {
    const key = `${row.role}\u0000${row.model}`;
    const seen = byKey.get(key);
    byKey.set(
      key,
      seen
        ? {
            ...seen,
            calls: seen.calls + row.calls,
            inputTokens: seen.inputTokens + row.inputTokens,
            outputTokens: seen.outputTokens + row.outputTokens,
            costUsd: seen.costUsd + row.costUsd,
          }
        : { ...row },
    );
  }
  return [...byKey.values()].sort((a, b) => a.role.localeCompare(b.role) || a.model.localeCompare(b.model));
}

/** "Per iteration": what started each iteration of the story and what it cost; nothing before the first call. */
function iterationTable(iterations: IterationSpend[]): string[] {
  if (iterations.length === 0) return [];
  return [
    "**Per iteration**",
    "",
    "| # | trigger | calls | cost |",
    "|--:|---|--:|--:|",
    ...iterations.map((i) => `| ${i.number} | ${cell(i.trigger)} | ${integer(i.calls)} | ${usd(i.costUsd)} |`),
    "",
  ];
}

/**
 * The `wave/budget` check run: spend against the cap with a table per role and
 * model, and one per iteration (first build, each review, CI failure or moved
 * base). `success` while within the cap; `action_required` once the story is held
 * for budget or the cap is reached, so a required check blocks the merge.
 */
export function renderBudgetCheck(input: BudgetCheckInput): CheckRunPayload {
  const rows = merged(input.rows);
  const spent = totalSpend(rows);
  const over = input.heldForBudget || spent >= input.capUsd;
  const title = `${budgetLine(spent, input.capUsd)}${over ? ": budget exhausted" : ""}`;
  const table = [
    "| role | model | calls | input tokens | output tokens | cost |",
    "|---|---|--:|--:|--:|--:|",
    ...rows.map(
      (r) =>
        `| ${cell(r.role)} | ${cell(r.model)} | ${integer(r.calls)} | ${integer(r.inputTokens)} | ${integer(r.outputTokens)} | ${usd(r.costUsd)} |`,
    ),
    `| **total** | | ${integer(rows.reduce((s, r) => s + r.calls, 0))} | ${integer(rows.reduce((s, r) => s + r.inputTokens, 0))} | ${integer(rows.reduce((s, r) => s + r.outputTokens, 0))} | **${usd(spent)}** |`,
  ];
  const summary = [
    `\`${bar(input.capUsd > 0 ? spent / input.capUsd : 1)}\` ${budgetLine(spent, input.capUsd)}`,
    "",
    ...(rows.length > 0 ? table : ["No model calls yet."]),
    "",
    ...iterationTable(input.iterations ?? []),
    over
      ? "**The budget is exhausted**: the story is held. Comment `/wave budget +<usd>` to raise the cap, or `/wave kill <reason>` to stop."
      : `Remaining: ${usd(Math.max(0, input.capUsd - spent))}. Every model call is checked against what is left before it is made.`,
    "",
    `[Story status](${input.detailsUrl})`,
  ].join("\n");
  return {
    name: BUDGET_CHECK_NAME,
    title,
    summary,
    detailsUrl: input.detailsUrl,
    externalId: input.storyId,
    status: "completed",
    conclusion: over ? "action_required" : "success",
  };
}
