import { expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandHandlers } from "../../src/commands/handle-command-event.js";
import { gateWorkers } from "../../src/gates/index.js";
import { gateStatusFacts } from "../../src/gates/status-facts.js";
import { handleBasePush } from "../../src/iterate/handle-base-push.js";
import { iterateHandlers } from "../../src/iterate/index.js";
import { pullRequestHandlers } from "../../src/pull-requests/index.js";
import { createDockerRunner } from "../../src/sandbox/docker-runner.js";
import { stopStorySandboxes } from "../../src/sandbox/story-sandboxes.js";
import { storyGitHub, storyRepository, type StoryGitHub } from "../e2e/story-github.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { startFakeAnthropic, type FakeAnthropic } from "../support/fake-anthropic.js";
import { githubExample } from "../support/webhook-examples.js";
import { iterationModel } from "./review-model.js";

/** A story's row as the iteration tests read it. */
export interface IterateRow {
  id: string;
  status: string;
  pull_request: number | null;
  head_sha: string | null;
  branch: string | null;
  snapshot: { context: { step: string; lastFailure: string | null; holds: Record<string, unknown> } };
}

export interface IterateApp {
  app: TestApp;
  fake: FakeAnthropic;
  github: StoryGitHub;
  row: (issue: number) => Promise<IterateRow | undefined>;
  /** Every outbox row of the story is delivered. */
  settled: (storyId: string) => Promise<boolean>;
  /** What the app recorded for a webhook delivery, once handled. */
  outcome: (deliveryId: string) => Promise<string | undefined>;
  /** Labels issue `issue` ("add() subtracts") with GitHub's `issues.labeled` example, on the story repository `repoId`. */
  label: (issue: number, repoId: number) => Promise<void>;
  /**
   * Waits until the story stands at `reviewApproval` (or stops being active) with every effect delivered,
   * and, given `unlike`, on another head than that one.
   */
  atRest: (issue: number, what: string, waitMs: number, unlike?: string) => Promise<IterateRow>;
  /** Labels issue `issue` and waits for its story to wait at its PR, active, with the scripted fix (`a + b`) on the head. */
  openPullRequest: (issue: number, repoId: number, waitMs: number) => Promise<IterateRow>;
  /** Stops the app, the model fake and GitHub's fake; returns the requests GitHub does not document. */
  close: () => Promise<unknown[]>;
}

/**
 * The running app as the iteration tests need it: the calc-js fixture behind GitHub's fake on
 * loopback (with `config` as its `.github/wave.yml`), the scripted iteration model, the real
 * sandbox, and the command, iteration and pull-request handlers.
 */
export async function startIterateApp(options: { config: string; instance: string }): Promise<IterateApp> {
  const fixture = fileURLToPath(new URL("../fixtures/repos/calc-js", import.meta.url));
  const tarball = execFileSync("tar", ["-C", dirname(fixture), "-cz", basename(fixture)]);
  const runner = createDockerRunner({ instance: options.instance });
  const github = await storyGitHub({ config: options.config, repoDir: fixture, tarball });
  const fake = await startFakeAnthropic({ responder: iterationModel });
  const env = { ANTHROPIC_API_KEY: "sk-ant-test", ANTHROPIC_BASE_URL: fake.baseURL };
  const cacheDir = mkdtempSync(join(tmpdir(), `wave-${options.instance}-tarballs-`));
  const app = await startTestApp({
    githubBaseUrl: github.server.url,
    gates: (gh, deps) => gateWorkers({ ...deps, github: gh, runner, env, cacheDir }),
    facts: (deps) => gateStatusFacts(deps.pool),
    handlers: () => ({ ...commandHandlers(), ...iterateHandlers(), ...pullRequestHandlers(env), "push.": handleBasePush }),
    sandbox: { stopStory: async (id) => void (await stopStorySandboxes(runner.docker, id)) },
  });
  const row = async (issue: number) =>
    (await app.pool.query(`SELECT id, status, pull_request, head_sha, branch, snapshot FROM stories WHERE issue_number = $1`, [issue]))
      .rows[0] as IterateRow | undefined;
  const settled = async (storyId: string) =>
    Number((await app.pool.query(`SELECT count(*) AS n FROM outbox WHERE story_id = $1 AND delivered_at IS NULL`, [storyId])).rows[0].n) ===
    0;
  const label = async (issue: number, repoId: number) => {
    const labeled = githubExample<
      Record<string, unknown> & { issue: { number: number; body: string | null; title: string }; label: { name: string } }
    >("issues", "labeled");
    labeled.label.name = "wave";
    Object.assign(labeled.issue, {
      number: issue,
      title: "add() subtracts",
      body: "add(2, 3) returns -1.\n\n- [ ] add returns the sum\n",
    });
    labeled.repository = storyRepository(repoId);
    labeled.installation = { id: 9 };
    await app.send("issues", labeled);
  };
  const atRest = (issue: number, what: string, waitMs: number, unlike?: string) =>
    waitFor(
      async () => {
        const r = await row(issue);
        if (!r) return undefined;
        if (r.status !== "active") return (await settled(r.id)) ? r : undefined;
        if (unlike !== undefined && r.head_sha === unlike) return undefined;
        return r.snapshot.context.step === "reviewApproval" && (await settled(r.id)) ? r : undefined;
      },
      waitMs,
      what,
    );
  return {
    app,
    fake,
    github,
    row,
    settled,
    outcome: async (deliveryId) =>
      (await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id = $1`, [deliveryId])).rows[0]?.outcome as
        string | undefined,
    label,
    atRest,
    openPullRequest: async (issue, repoId, waitMs) => {
      await label(issue, repoId);
      const first = await atRest(issue, "the story to wait for approval", waitMs);
      expect(first.status).toBe("active");
      expect(
        github.fake
          .filesOf(first.head_sha ?? "")
          .get("src/calc.js")
          ?.content.toString(),
      ).toContain("return a + b;");
      return first;
    },
    close: async () => {
      await app.stop();
      await fake.close();
      await github.close();
      return github.server.undocumented;
    },
  };
}
