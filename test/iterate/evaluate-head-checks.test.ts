import { describe, expect, it } from "vitest";
import type { RunOnHead, StatusOnHead, SuiteOnHead } from "../../src/github/ci-results.js";
import type { RequiredChecks } from "../../src/github/required-checks.js";
import { evaluateHeadChecks, type HeadFacts } from "../../src/iterate/evaluate-head-checks.js";

const SHA = "abcdef0123456789abcdef0123456789abcdef01";
let next = 1;
function run(name: string, conclusion: string | null, appId = 15368): RunOnHead {
  return {
    id: next++,
    name,
    suiteId: appId,
    appId,
    appSlug: appId === 15368 ? "github-actions" : "other-ci",
    externalId: null,
    status: conclusion === null ? "in_progress" : "completed",
    conclusion,
    title: null,
    summary: null,
    annotations: 0,
  };
}
const suite = (appId: number, status: string): SuiteOnHead => ({
  id: appId,
  appId,
  appSlug: `app-${appId}`,
  status,
  conclusion: null,
  runs: 1,
});
const rules = (...checks: RequiredChecks["checks"]): RequiredChecks => ({ readable: true, why: null, checks });
const facts = (over: Partial<HeadFacts>): HeadFacts => ({
  headSha: SHA,
  runs: [],
  suites: [],
  statuses: null,
  required: rules(),
  onlyRequired: true,
  ...over,
});

describe("evaluateHeadChecks", () => {
  it("with nothing required waits on every suite and counts every failure", () => {
    const runs = [run("test", "success"), run("lint", "failure", 7)];
    expect(evaluateHeadChecks(facts({ runs, suites: [suite(15368, "completed"), suite(7, "in_progress")] }))).toMatchObject({
      state: "waiting",
      detail: "waiting for app-7 on abcdef0",
      fixRuns: [],
    });
    const done = evaluateHeadChecks(facts({ runs, suites: [suite(15368, "completed"), suite(7, "completed")] }));
    expect(done).toMatchObject({ state: "failed", detail: "failing on abcdef0: `lint`" });
    expect(done.fixRuns.map((r) => r.name)).toEqual(["lint"]);
  });

  it("with required checks waits only for them; a failing optional check neither blocks nor recycles", () => {
    const required = rules({ context: "test", appId: 15368 });
    const waiting = evaluateHeadChecks(facts({ runs: [run("test", null), run("lint", "failure", 7)], required }));
    expect(waiting).toMatchObject({ state: "waiting", waitingFor: "required check(s) `test`", fixRuns: [] });
    const passed = evaluateHeadChecks(
      facts({ runs: [run("test", "success"), run("lint", "failure", 7)], required, suites: [suite(7, "in_progress")] }),
    );
    expect(passed).toMatchObject({
      state: "passed",
      detail: "the required `test` passed on abcdef0; failing but not required: `lint`",
      fixRuns: [],
      waitingFor: null,
    });
  });

  it("ci_fix.only_required: false sends failing optional checks back once every suite finished, without blocking", () => {
    const required = rules({ context: "test", appId: null });
    const runs = [run("test", "success"), run("lint", "failure", 7)];
    const early = evaluateHeadChecks(facts({ runs, required, onlyRequired: false, suites: [suite(7, "in_progress")] }));
    expect(early.fixRuns).toEqual([]);
    const late = evaluateHeadChecks(facts({ runs, required, onlyRequired: false, suites: [suite(7, "completed")] }));
    expect(late.state).toBe("passed");
    expect(late.fixRuns.map((r) => r.name)).toEqual(["lint"]);
  });

  it("a required check bound to an app is not satisfied by another app's run of the same name", () => {
    const required = rules({ context: "test", appId: 15368 });
    const v = evaluateHeadChecks(facts({ runs: [run("test", "success", 7)], required, statuses: [] }));
    expect(v.state).toBe("waiting");
  });

  it("a failing required run recycles; a cancelled one blocks without a fix", () => {
    const required = rules({ context: "test", appId: null }, { context: "e2e", appId: null });
    const v = evaluateHeadChecks(facts({ runs: [run("test", "timed_out"), run("e2e", "cancelled")], required }));
    expect(v).toMatchObject({ state: "failed", detail: "failing on abcdef0: `test`, `e2e`" });
    expect(v.fixRuns.map((r) => r.name)).toEqual(["test"]);
  });

  it("a required context without a check run asks for the commit statuses, and then goes by them", () => {
    const required = rules({ context: "ci/jenkins", appId: null });
    expect(evaluateHeadChecks(facts({ required })).needsStatuses).toBe(true);
    const status = (state: StatusOnHead["state"]): StatusOnHead[] => [
      { context: "ci/jenkins", state, description: "build 12", targetUrl: null },
    ];
    expect(evaluateHeadChecks(facts({ required, statuses: status("pending") }))).toMatchObject({ state: "waiting", needsStatuses: false });
    expect(evaluateHeadChecks(facts({ required, statuses: status("success") })).state).toBe("passed");
    const failing = evaluateHeadChecks(facts({ required, statuses: status("error") }));
    expect(failing.state).toBe("failed");
    expect(failing.fixStatuses.map((s) => s.context)).toEqual(["ci/jenkins"]);
    // A status nobody reported yet is still expected.
    expect(evaluateHeadChecks(facts({ required, statuses: [] })).state).toBe("waiting");
  });

  it("rules that cannot be read are said, and every check is waited on", () => {
    const required: RequiredChecks = {
      readable: false,
      why: "classic branch protection answered 403: no",
      checks: [{ context: "test", appId: null }],
    };
    const v = evaluateHeadChecks(facts({ runs: [run("test", "success"), run("lint", "failure", 7)], required }));
    expect(v).toMatchObject({
      state: "failed",
      detail:
        "WAVE cannot read the base branch's required checks (classic branch protection answered 403: no): waiting on every check. failing on abcdef0: `lint`",
    });
  });
});
