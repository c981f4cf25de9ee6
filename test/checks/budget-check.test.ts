import { describe, expect, it } from "vitest";
import { budgetLine, renderBudgetCheck, totalSpend } from "../../src/checks/budget-check.js";
import { bar, usd } from "../../src/checks/format.js";
import { spend } from "./fixtures.js";

const base = {
  storyId: "st_6",
  capUsd: 5,
  rows: spend,
  heldForBudget: false,
  detailsUrl: "https://github.com/octo-org/hello/issues/6#issuecomment-1",
};

describe("renderBudgetCheck", () => {
  it("is success within the cap, with one row per role and model", () => {
    const payload = renderBudgetCheck(base);
    expect(payload).toMatchObject({ name: "wave/budget", status: "completed", conclusion: "success", title: "Spent $1.07 of $5.00 (21%)" });
    // Two developer rows on one model merge into one line.
    expect(payload.summary.match(/^\| developer \|/gm)).toHaveLength(1);
    expect(payload.summary).toMatchSnapshot();
  });

  it("is action_required when held for budget or at the cap, never neutral", () => {
    expect(renderBudgetCheck({ ...base, heldForBudget: true }).conclusion).toBe("action_required");
    const atCap = renderBudgetCheck({ ...base, capUsd: 1 });
    expect(atCap.conclusion).toBe("action_required");
    expect(atCap.title).toBe("Spent $1.07 of $1.00 (107%): budget exhausted");
    expect(atCap.summary).toMatchSnapshot();
  });

  it("shows the spend per iteration, each with what started it, when there are iterations", () => {
    const iterations = [
      { number: 0, trigger: "first build", calls: 7, costUsd: 0.82 },
      { number: 1, trigger: "review by @octocat", calls: 3, costUsd: 0.2 },
      { number: 2, trigger: "CI: `test | lint`", calls: 1, costUsd: 0.05 },
    ];
    const summary = renderBudgetCheck({ ...base, iterations }).summary;
    expect(summary).toContain("**Per iteration**\n\n| # | trigger | calls | cost |\n|--:|---|--:|--:|\n");
    expect(summary).toContain("| 0 | first build | 7 | $0.82 |\n| 1 | review by @octocat | 3 | $0.20 |\n");
    // A pipe in a check's name cannot break the table.
    expect(summary).toContain("| 2 | CI: `test \\| lint` | 1 | $0.05 |");
    expect(renderBudgetCheck({ ...base, iterations: [] }).summary).not.toContain("Per iteration");
    expect(renderBudgetCheck(base).summary).not.toContain("Per iteration");
  });

  it("says so when no model was called yet", () => {
    const payload = renderBudgetCheck({ ...base, rows: [] });
    expect(payload.conclusion).toBe("success");
    expect(payload.summary).toContain("No model calls yet.");
  });
});

describe("formatting", () => {
  it("shows small amounts to four places and clamps the bar", () => {
    expect(usd(0)).toBe("$0.00");
    expect(usd(0.0052)).toBe("$0.0052");
    expect(usd(12.345)).toBe("$12.35");
    expect(bar(-1)).toBe("░".repeat(20));
    expect(bar(2)).toBe("█".repeat(20));
    expect(bar(0.5)).toBe("█".repeat(10) + "░".repeat(10));
    expect(totalSpend(spend)).toBeCloseTo(1.0723, 6);
    expect(budgetLine(0, 0)).toBe("Spent $0.00 of $0.00 (100%)");
  });
});
