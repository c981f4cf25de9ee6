import { describe, expect, it } from "vitest";
import { renderSafetyCheck } from "../../src/safety/check-run/render-safety-check.js";
import type { SafetyVerdict } from "../../src/safety/verdict/safety-verdict.js";

function verdict(over: Partial<SafetyVerdict> = {}): SafetyVerdict {
  return {
    subjectKind: "diff",
    storyId: null,
    inputsDigest: "f".repeat(64),
    decision: "allow",
    score: 0.93,
    thresholds: { block: 0.7, escalate: 0.85 },
    violations: [],
    uncertainties: [],
    scorer: {
      status: "scored",
      score: 0.93,
      answer: { score: 0.93, violations: [], risks: [], reasoning: "Small, tested change." },
      model: "claude-haiku-4-5",
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
      costUsd: 0.0012,
    },
    reasons: [],
    ruleIds: [],
    ...over,
  };
}

describe("renderSafetyCheck", () => {
  it.each([
    ["allow", "success"],
    ["escalate", "action_required"],
    ["block", "failure"],
  ] as const)("%s is %s, never neutral", (decision, conclusion) => {
    expect(renderSafetyCheck(verdict({ decision })).conclusion).toBe(conclusion);
  });

  it("shows the score, the thresholds, each finding and the scorer", () => {
    const r = renderSafetyCheck(
      verdict({
        decision: "block",
        score: 0.5,
        violations: [
          { ruleId: "secrets.token", severity: "critical", message: "Refused: a | pipe and @someone", path: "src/k.ts", line: 7 },
          { ruleId: "network.outbound", severity: "high", message: "Refused: curl" },
        ],
        uncertainties: ["runs inline python3 code"],
      }),
    );
    expect(r.title).toBe("Safety 0.50: blocked (2 findings)");
    expect(r.summary).toMatchSnapshot();
    expect(r.annotations).toEqual([
      {
        path: "src/k.ts",
        start_line: 7,
        end_line: 7,
        annotation_level: "failure",
        title: "secrets.token (critical)",
        message: "Refused: a | pipe and @someone",
      },
    ]);
  });

  it("says when the scorer was unreachable", () => {
    expect(
      renderSafetyCheck(
        verdict({ decision: "block", score: 0, scorer: { status: "unavailable", score: 0, model: "m", error: "HTTP 529" } }),
      ).summary,
    ).toMatch(/fail closed/);
  });
});
