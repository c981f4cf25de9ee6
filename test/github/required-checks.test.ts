import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRequiredChecks } from "../../src/github/required-checks.js";
import { FakeGitHub } from "../publish/fake-github.js";

let fake: FakeGitHub;
beforeEach(() => {
  fake = new FakeGitHub();
  fake.refs.set("refs/heads/main", fake.commit({ "README.md": { content: "hi\n" } }));
});
afterEach(() => fake.close());

const read = () => {
  const ctx = fake.context();
  return readRequiredChecks(ctx.octokit, { owner: ctx.owner, repo: ctx.repo }, "main");
};
const paths = () => fake.requests.map((r) => `${r.method} ${r.path}`);
const PROTECTION = "GET /repos/octo-org/hello/branches/main/protection/required_status_checks";

describe("readRequiredChecks", () => {
  it("an unprotected branch without rulesets requires nothing (GitHub's 404 and an empty rule list)", async () => {
    expect(await read()).toEqual({ readable: true, why: null, checks: [] });
    expect(paths()).toEqual([PROTECTION, "GET /repos/octo-org/hello/rules/branches/main?per_page=100"]);
  });

  it("unions classic protection (checks with their app, older contexts by name) and the rulesets, once each", async () => {
    fake.protection.set("main", { contexts: ["build", "ci/legacy"], checks: [{ context: "build", app_id: 15368 }] });
    fake.rulesets.set("main", [
      [{ context: "build", integration_id: 15368 }, { context: "e2e" }],
      [{ context: "lint", integration_id: 7 }],
    ]);
    expect((await read()).checks).toEqual([
      { context: "build", appId: 15368 },
      { context: "ci/legacy", appId: null },
      { context: "e2e", appId: null },
      { context: "lint", appId: 7 },
    ]);
  });

  it("a check required from any app covers the same name bound to one app", async () => {
    fake.protection.set("main", { contexts: [], checks: [{ context: "build", app_id: null }] });
    fake.rulesets.set("main", [[{ context: "build", integration_id: 15368 }]]);
    expect((await read()).checks).toEqual([{ context: "build", appId: null }]);
  });

  it("without administration: read, classic protection comes from the branch's summary", async () => {
    fake.protection.set("main", { contexts: ["ci/legacy"], checks: [{ context: "ci/legacy", app_id: null }] });
    fake.failOnce("GET", /\/protection\/required_status_checks$/, 403, { message: "Resource not accessible by integration" });
    expect(await read()).toEqual({ readable: true, why: null, checks: [{ context: "ci/legacy", appId: null }] });
    expect(paths()).toContain("GET /repos/octo-org/hello/branches/main");
  });

  it("says why when GitHub refuses both classic sources, keeping what the rulesets said", async () => {
    fake.rulesets.set("main", [[{ context: "e2e" }]]);
    fake.failOnce("GET", /\/protection\/required_status_checks$/, 403, { message: "Resource not accessible by integration" });
    fake.failOnce("GET", /\/hello\/branches\/main$/, 403, { message: "Forbidden here" });
    expect(await read()).toEqual({
      readable: false,
      why: "classic branch protection answered 403: Resource not accessible by integration, and so did the branch's summary: Forbidden here",
      checks: [{ context: "e2e", appId: null }],
    });
  });

  it("a refused ruleset read is said too", async () => {
    fake.failOnce("GET", /\/rules\/branches\/main$/, 403, { message: "Must have admin rights to Repository." });
    expect(await read()).toMatchObject({ readable: false, why: "rulesets answered 403: Must have admin rights to Repository." });
  });
});
