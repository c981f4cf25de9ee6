import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { publishSafetyCheck } from "../../src/safety/check-run/publish-safety-check.js";
import { renderSafetyCheck } from "../../src/safety/check-run/render-safety-check.js";
import type { Violation } from "../../src/safety/types.js";
import type { SafetyVerdict } from "../../src/safety/verdict/safety-verdict.js";

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => nock.enableNetConnect());

const octokit = new Octokit({ auth: "token", request: { retries: 0 } });
const sha = "0123456789abcdef0123456789abcdef01234567";

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

const violations = (n: number): Violation[] =>
  Array.from({ length: n }, (_, i) => ({
    ruleId: "tests.skipped",
    severity: "high" as const,
    message: `Refused: test ${i} skipped`,
    path: "test/a.test.ts",
    line: i + 1,
  }));

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

describe("publishSafetyCheck", () => {
  it("creates the check run on the head SHA with at most 50 annotations, and appends the rest", async () => {
    const bodies: unknown[] = [];
    const scope = nock("https://api.github.com")
      .post("/repos/acme/app/check-runs", (body: Record<string, unknown>) => {
        bodies.push(body);
        return true;
      })
      .reply(201, { id: 42 })
      .patch("/repos/acme/app/check-runs/42", (body: Record<string, unknown>) => {
        bodies.push(body);
        return true;
      })
      .reply(200, { id: 42 })
      .patch("/repos/acme/app/check-runs/42", (body: Record<string, unknown>) => {
        bodies.push(body);
        return true;
      })
      .reply(200, { id: 42 });
    const result = await publishSafetyCheck(octokit, {
      owner: "acme",
      repo: "app",
      headSha: sha,
      verdict: verdict({ decision: "block", score: 0.5, violations: violations(120) }),
      detailsUrl: "https://wave.example/s/1",
    });
    expect(result).toMatchObject({ checkRunId: 42, written: true });
    scope.done();
    const [create, second, third] = bodies as {
      output: { annotations?: unknown[]; title: string; summary: string };
      [k: string]: unknown;
    }[];
    expect(create).toMatchObject({
      name: "wave/safety",
      head_sha: sha,
      status: "completed",
      conclusion: "failure",
      details_url: "https://wave.example/s/1",
    });
    expect(typeof create?.completed_at).toBe("string");
    expect(create?.output.annotations).toHaveLength(50);
    expect(second?.output.annotations).toHaveLength(50);
    expect(third?.output.annotations).toHaveLength(20);
    expect(second?.output.title).toBe(create?.output.title);
    for (const body of bodies as { output: { summary: string } }[]) expect(body.output.summary.length).toBeLessThanOrEqual(65_535);
  });

  it("skips the write when nothing changed, and updates by id when only the summary changed", async () => {
    const first = await (async () => {
      const scope = nock("https://api.github.com").post("/repos/acme/app/check-runs").reply(201, { id: 7 });
      const r = await publishSafetyCheck(octokit, { owner: "acme", repo: "app", headSha: sha, verdict: verdict() });
      scope.done();
      return r;
    })();
    const again = await publishSafetyCheck(octokit, {
      owner: "acme",
      repo: "app",
      headSha: sha,
      verdict: verdict(),
      checkRunId: 7,
      previousDigest: first.digest,
    });
    expect(again).toEqual({ checkRunId: 7, digest: first.digest, written: false });

    let patched: Record<string, unknown> | undefined;
    const scope = nock("https://api.github.com")
      .patch("/repos/acme/app/check-runs/7", (body: Record<string, unknown>) => {
        patched = body;
        return true;
      })
      .reply(200, { id: 7 });
    const updated = await publishSafetyCheck(octokit, {
      owner: "acme",
      repo: "app",
      headSha: sha,
      verdict: verdict({ decision: "escalate", score: 0.8 }),
      checkRunId: 7,
      previousDigest: first.digest,
    });
    scope.done();
    expect(updated).toMatchObject({ checkRunId: 7, written: true });
    expect(patched).toMatchObject({ conclusion: "action_required", output: { title: "Safety 0.80: needs a human's approval" } });
    expect(patched?.head_sha).toBeUndefined();
    expect((patched?.output as Record<string, unknown>).annotations).toBeUndefined();
  });

  it("creates a new run when the annotations changed, since GitHub only appends them", async () => {
    const scope = nock("https://api.github.com").post("/repos/acme/app/check-runs").reply(201, { id: 8 });
    const r = await publishSafetyCheck(octokit, {
      owner: "acme",
      repo: "app",
      headSha: sha,
      verdict: verdict({ decision: "block", score: 0.5, violations: violations(1) }),
      checkRunId: 7,
      previousDigest: "x:y",
    });
    scope.done();
    expect(r.checkRunId).toBe(8);
  });

  it("passes requested actions within GitHub's limits", async () => {
    let body: Record<string, unknown> | undefined;
    const scope = nock("https://api.github.com")
      .post("/repos/acme/app/check-runs", (b: Record<string, unknown>) => {
        body = b;
        return true;
      })
      .reply(201, { id: 9 });
    await publishSafetyCheck(octokit, {
      owner: "acme",
      repo: "app",
      headSha: sha,
      verdict: verdict({ decision: "escalate", score: 0.8 }),
      requestedActions: [1, 2, 3, 4].map((i) => ({
        label: `Approve the safety verdict ${i}`,
        description: "Let the story continue past the safety gate",
        identifier: `wave-safety-approve-${i}`,
      })),
    });
    scope.done();
    const actions = body?.actions as { label: string; description: string; identifier: string }[];
    expect(actions).toHaveLength(3);
    for (const a of actions) {
      expect(a.label.length).toBeLessThanOrEqual(20);
      expect(a.description.length).toBeLessThanOrEqual(40);
      expect(a.identifier.length).toBeLessThanOrEqual(20);
    }
  });
});
