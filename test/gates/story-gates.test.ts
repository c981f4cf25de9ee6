import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gateWorkers } from "../../src/gates/index.js";
import { gateStatusFacts } from "../../src/gates/status-facts.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { stopStorySandboxes } from "../../src/sandbox/story-sandboxes.js";
import { scorerToolName } from "../../src/safety/scorer/scorer-answer.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeAnthropic, reply, textReply, toolUse, type FakeAnthropic, type RecordedRequest } from "../support/fake-anthropic.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { githubExample } from "../support/webhook-examples.js";
import { calcPlan } from "../agents/scripts.js";

const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
const SHA = "a".repeat(40);

/**
 * The model, as a function of what it is asked: the planner submits the
 * calc-js plan, the scorer judges everything safe, and the developer edits
 * `src/calc.js` with whatever `fix` says, then declares it done.
 */
function scriptedModel(fix: () => string): (r: RecordedRequest) => ReturnType<typeof reply> {
  return (request) => {
    const body = request.body;
    const tools = (body?.tools ?? []).map((t) => ("name" in t ? t.name : ""));
    if (tools.includes(scorerToolName))
      return reply([toolUse(scorerToolName, { score: 0.96, violations: [], risks: [], reasoning: "A small, in-scope change." })]);
    if (tools.includes("submit_plan")) return reply([toolUse("submit_plan", calcPlan)]);
    const last = body?.messages.at(-1);
    const answeredTool = Array.isArray(last?.content) && last.content.some((c) => c.type === "tool_result");
    if (answeredTool) return textReply("Changed add() in src/calc.js.");
    return reply([
      toolUse("str_replace_based_edit_tool", {
        command: "str_replace",
        path: "/workspace/src/calc.js",
        old_str: "return a - b;",
        new_str: fix(),
      }),
    ]);
  };
}

interface Labeled {
  label: { name: string };
  issue: { number: number; body: string | null };
  repository: { default_branch: string };
  installation?: { id: number };
}

/*
 * GitHub here is the local fake GitHub server, not nock: importing nock at all breaks the attach
 * streams dockerode uses for the sandbox (its interceptor does not pass HTTP upgrades through),
 * so tests that drive the real sandbox reach GitHub over loopback instead. Nothing leaves the machine.
 */
let app: TestApp;
let fake: FakeAnthropic;
let github: FakeGitHub;
let fix = () => "return a + b;";
let env: NodeJS.ProcessEnv = {};
const runner = createDockerRunner({ instance: "gates-e2e" });

beforeAll(async () => {
  github = await startFakeGitHub();
  github.repos.set("Codertocat/Hello-World", { branch: "main", sha: SHA, tarball });
  fake = await startFakeAnthropic({ responder: (r) => scriptedModel(() => fix())(r) });
  env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.baseURL };
  const cacheDir = mkdtempSync(join(tmpdir(), "wave-tarballs-"));
  app = await startTestApp({
    githubBaseUrl: github.url,
    gates: (github, deps) => gateWorkers({ ...deps, github, runner, env, cacheDir }),
    facts: (deps) => gateStatusFacts(deps.pool),
    sandbox: { stopStory: async (id) => void (await stopStorySandboxes(runner.docker, id)) },
  });
});
afterAll(async () => {
  await app.stop();
  await fake.close();
  await github.close();
  // Every request the app made is one GitHub documents.
  expect(github.undocumented).toEqual([]);
});

async function label(issueNumber: number): Promise<void> {
  const p = githubExample<Labeled>("issues", "labeled");
  p.label.name = "wave";
  p.issue.number = issueNumber;
  p.issue.body = "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n";
  p.installation = { id: 9 };
  // The story's base is the payload's default branch (GitHub's example says master); this fake's repository has main.
  p.repository.default_branch = "main";
  await app.send("issues", p);
}

async function story(issueNumber: number) {
  return (await app.pool.query(`SELECT id, status, gate, snapshot FROM stories WHERE issue_number = $1`, [issueNumber])).rows[0] as
    { id: string; status: string; gate: string; snapshot: { context: { lastFailure: string | null; recycles: number } } } | undefined;
}

describe("gates 1 → 5 with the scripted model, the real sandbox, real Postgres and a fake GitHub on loopback", () => {
  it("plans, passes pre-flight, builds, verifies and passes safety, then waits at review", { timeout: 240_000 }, async () => {
    fix = () => "return a + b;";
    github.configs.set("Codertocat/Hello-World", "max_recycles: 2\n");
    await label(21);
    const s = await waitFor(
      async () => {
        const row = await story(21);
        return row && (row.gate === "review" || row.status !== "active") ? row : undefined;
      },
      100_000,
      "the story to reach review",
    );
    const trail = (await app.pool.query(`SELECT event, to_state, detail FROM audit_events WHERE story_id = $1 ORDER BY id`, [s.id])).rows;
    expect(s.status, JSON.stringify(trail)).toBe("active");
    expect(s.gate).toBe("review");

    const audit = (await app.pool.query(`SELECT event FROM audit_events WHERE story_id = $1 ORDER BY id`, [s.id])).rows.map((r) => r.event);
    expect(audit).toEqual([
      "STORY_CREATED",
      "INTAKE_PASSED",
      "PLAN_READY",
      "PREFLIGHT_PASSED",
      "BUILD_DONE",
      "VERIFY_PASSED",
      "SAFETY_PASSED",
    ]);
    const change = (await app.pool.query(`SELECT patch FROM story_changes WHERE story_id = $1`, [s.id])).rows[0];
    expect(change.patch).toContain("+  return a + b;");
    const calls = (await app.pool.query(`SELECT role, model, cost_usd FROM model_calls WHERE story_id = $1`, [s.id])).rows;
    expect(calls.map((c) => c.role)).toEqual(expect.arrayContaining(["planner", "developer"]));
    // The verdicts of the plan and the diff were stored.
    const kinds = (await app.pool.query(`SELECT DISTINCT subject_kind FROM safety_verdicts WHERE story_id = $1`, [s.id])).rows.map(
      (r) => r.subject_kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(["plan", "diff"]));

    const comments = () => github.comments.get("Codertocat/Hello-World#21") ?? [];
    await waitFor(
      async () => comments()[0]?.body.includes("🟡") || comments()[0]?.body.includes("G6 Review | 🔵"),
      20_000,
      "status comment at review",
    );
    const body = comments()[0]?.body ?? "";
    expect(comments()).toHaveLength(1);
    expect(body).toMatch(/\| G4 Verify \| 🟢 passed \|/);
    expect(body).toMatch(/\| G5 Safety \| 🟢 passed \|/);
    expect(body).toContain("<summary><b>Plan</b></summary>");
    expect(body).toMatch(/\*\*Budget:\*\* \$0\.\d+ of \$4\.00/);
    expect(body).toMatch(/\*\*Safety:\*\* 0\.9\d \(allow, final diff\)/);
  });

  it("recycles failing tests back to the developer with the output, then holds after max_recycles", { timeout: 240_000 }, async () => {
    fix = () => "return a * b;"; // never right
    github.configs.set("Codertocat/Hello-World", "max_recycles: 1\n");
    await label(22);
    const s = await waitFor(
      async () => {
        const row = await story(22);
        return row && row.status === "held" ? row : undefined;
      },
      200_000,
      "the story to hold",
    );
    // Held where it resumes: another build, with the failing output as its input.
    expect(s.gate).toBe("build");
    expect(s.snapshot.context.lastFailure).toMatch(/fail/i);
    const audit = (await app.pool.query(`SELECT event, to_state FROM audit_events WHERE story_id = $1 ORDER BY id`, [s.id])).rows.map(
      (r) => `${r.event}>${r.to_state}`,
    );
    expect(audit.filter((a) => a.startsWith("VERIFY_FAILED"))).toEqual(["VERIFY_FAILED>build", "VERIFY_FAILED>held@build"]);
    // The second developer run was given the failing test output.
    const developerTurns = fake.messageRequests().filter((r) => JSON.stringify(r.body?.messages ?? []).includes("calc.test.js"));
    expect(developerTurns.length).toBeGreaterThan(0);
    const comments = () => github.comments.get("Codertocat/Hello-World#22") ?? [];
    await waitFor(
      async () => comments()[0]?.body.includes("🟠 held") && github.labels.get("Codertocat/Hello-World#22")?.has("wave:held"),
      20_000,
      "held status comment",
    );
    expect(comments()[0]?.body).toContain("Last failure");
  });

  it(
    "holds at the plan gate at once, naming the size and the key, when the repository's tarball is over sandbox.tarball_mb",
    { timeout: 120_000 },
    async () => {
      const big = "b".repeat(40);
      github.repos.set("Codertocat/Hello-World", { branch: "main", sha: big, tarball: randomBytes(1_200_000) });
      try {
        github.configs.set("Codertocat/Hello-World", "sandbox:\n  tarball_mb: 1\n");
        await label(24);
        const s = await waitFor(
          async () => {
            const row = await story(24);
            return row && row.status === "held" ? row : undefined;
          },
          60_000,
          "the story to hold",
        );
        expect(s.gate).toBe("plan");
        const comments = () => github.comments.get("Codertocat/Hello-World#24") ?? [];
        await waitFor(async () => comments()[0]?.body.includes("sandbox.tarball_mb"), 20_000, "the reason in the status comment");
        expect(comments()[0]?.body).toContain(`The tarball of Codertocat/Hello-World at bbbbbbb is 1.1 MB, over the 1 MB cap`);
        // Held on the first try: retrying cannot shrink the repository.
        expect(github.requests.filter((r) => r.path.endsWith(`/tarball/${big}`))).toHaveLength(1);
      } finally {
        github.repos.set("Codertocat/Hello-World", { branch: "main", sha: SHA, tarball });
      }
    },
  );

  it(
    "holds at the plan gate at once, before any download, when sandbox.image names an image the host does not offer",
    { timeout: 120_000 },
    async () => {
      github.configs.set("Codertocat/Hello-World", "sandbox:\n  image: rust\n");
      const before = github.requests.filter((r) => r.path.includes("/tarball/")).length;
      await label(25);
      const s = await waitFor(
        async () => {
          const row = await story(25);
          return row && row.status === "held" ? row : undefined;
        },
        60_000,
        "the story to hold",
      );
      expect(s.gate).toBe("plan");
      const comments = () => github.comments.get("Codertocat/Hello-World#25") ?? [];
      await waitFor(async () => comments()[0]?.body.includes("sandbox.image: rust"), 20_000, "the reason in the status comment");
      expect(comments()[0]?.body).toContain("`sandbox.image: rust` is a WAVE image this host does not offer; it offers base.");
      expect(comments()[0]?.body).toContain("WAVE_SANDBOX_IMAGES");
      expect(github.requests.filter((r) => r.path.includes("/tarball/")).length).toBe(before);
    },
  );

  it("holds at the plan gate with a clear message when no model key is configured", { timeout: 120_000 }, async () => {
    const key = env.ANTHROPIC_API_KEY;
    delete env.ANTHROPIC_API_KEY;
    try {
      github.configs.delete("Codertocat/Hello-World");
      await label(23);
      const s = await waitFor(
        async () => {
          const row = await story(23);
          return row && row.status === "held" ? row : undefined;
        },
        60_000,
        "the story to hold",
      );
      expect(s.gate).toBe("plan");
      const comments = () => github.comments.get("Codertocat/Hello-World#23") ?? [];
      await waitFor(async () => comments()[0]?.body.includes("ANTHROPIC_API_KEY"), 20_000, "the reason in the status comment");
      expect(fake.messageRequests().filter((r) => JSON.stringify(r.body ?? {}).includes("#23")).length).toBe(0);
    } finally {
      env.ANTHROPIC_API_KEY = key;
    }
  });
});
