import nock from "nock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { handleConfigPush } from "../../src/config/config-check-handler.js";
import { startTestApp, waitFor, type TestApp } from "../support/app-harness.js";
import { githubScope, watchUndocumentedRequests } from "../support/github-nock.js";
import { githubExample } from "../support/webhook-examples.js";

interface Push {
  ref: string;
  after: string;
  commits: { added: string[]; modified: string[]; removed: string[] }[];
  head_commit: { added: string[]; modified: string[]; removed: string[] } | null;
  repository: { id: number; name: string; owner: { login: string } };
  installation?: { id: number };
}

/** GitHub's example push of a branch, changed to touch the given paths on a new commit. */
function pushOf(after: string, paths: string[]): Push {
  const p = githubExample<Push>("push", undefined, (e) => String(e.ref).startsWith("refs/heads/") && !e.deleted);
  p.ref = "refs/heads/try-config";
  p.after = after;
  for (const c of [...p.commits, ...(p.head_commit ? [p.head_commit] : [])]) {
    c.added = [];
    c.modified = paths;
    c.removed = [];
  }
  p.installation = { id: 777 };
  return p;
}

const OWNER = "Codertocat";
const REPO = "Hello-World";
let app: TestApp;
let watch: ReturnType<typeof watchUndocumentedRequests>;
const files = new Map<string, string>();
/** The organisation's `.github/wave.yml` on its default branch; null: it has none. */
let orgFile: string | null = null;
const checkRuns: { id: number; head_sha: string; body: Record<string, unknown> }[] = [];
const patches: { id: number; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  githubScope()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} })
    .get(
      (uri) =>
        uri.startsWith(`/repos/${OWNER}/${REPO}/contents/.github%2Fwave.yml`) ||
        uri.startsWith(`/repos/${OWNER}/${REPO}/contents/.github/wave.yml`),
    )
    .query(true)
    .reply(function (uri) {
      const ref = new URL(uri, "https://x").searchParams.get("ref") ?? "";
      const text = files.get(ref);
      expect(this.req.headers.accept).toContain("raw");
      return text === undefined ? [404, { message: "Not Found" }] : [200, text, { "content-type": "text/plain; charset=utf-8" }];
    })
    .get(
      (uri) =>
        uri.startsWith(`/repos/${OWNER}/.github/contents/.github%2Fwave.yml`) ||
        uri.startsWith(`/repos/${OWNER}/.github/contents/.github/wave.yml`),
    )
    .query(true)
    .reply(() => (orgFile === null ? [404, { message: "Not Found" }] : [200, orgFile, { "content-type": "text/plain; charset=utf-8" }]))
    .post(`/repos/${OWNER}/${REPO}/check-runs`)
    .reply((_, body) => {
      const b = body as Record<string, unknown>;
      const run = { id: 9000 + checkRuns.length, head_sha: String(b.head_sha), body: b };
      checkRuns.push(run);
      return [201, { id: run.id }];
    })
    .patch(new RegExp(`/repos/${OWNER}/${REPO}/check-runs/\\d+`))
    .reply((uri, body) => {
      patches.push({ id: Number(uri.split("/").pop()), body: body as Record<string, unknown> });
      return [200, {}];
    });
  app = await startTestApp({ handlers: () => ({ "push.": handleConfigPush }) });
  watch = watchUndocumentedRequests();
});
afterAll(async () => {
  watch.stop();
  await app?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});
beforeEach(() => {
  orgFile = null;
  checkRuns.length = 0;
  patches.length = 0;
});

async function outcomeOf(deliveryId: string): Promise<string> {
  return waitFor(
    async () =>
      (await app.pool.query(`SELECT outcome FROM webhook_deliveries WHERE delivery_id = $1 AND processed_at IS NOT NULL`, [deliveryId]))
        .rows[0]?.outcome as string | undefined,
    20_000,
    "the push to be processed",
  );
}

describe("wave/config on a pushed branch (the running app, GitHub's push payload)", () => {
  it("an invalid wave.yml yields a failing check with an annotation on the offending line and column", async () => {
    const sha = "a".repeat(40);
    files.set(sha, "# WAVE settings\ntrigger_label: wave\nbudget:\n  story_cap_usd: 2\n  storycapusd: 3\nmax_recycles: many\n");
    const res = await app.send("push", pushOf(sha, [".github/wave.yml", "README.md"]), "push-invalid");
    expect(res.status).toBe(200);
    expect(await outcomeOf("push-invalid")).toBe(`wave/config failure on aaaaaaa (created)`);
    expect(checkRuns).toHaveLength(1);
    const run = checkRuns[0];
    expect(run?.head_sha).toBe(sha);
    expect(run?.body).toMatchObject({ name: "wave/config", status: "completed", conclusion: "failure" });
    const output = run?.body.output as { title: string; annotations: Record<string, unknown>[] };
    expect(output.title).toBe("2 problems in .github/wave.yml");
    expect(output.annotations).toEqual([
      expect.objectContaining({
        path: ".github/wave.yml",
        start_line: 5,
        end_line: 5,
        start_column: 3,
        end_column: 14,
        annotation_level: "failure",
        title: "budget.storycapusd",
      }),
      expect.objectContaining({
        path: ".github/wave.yml",
        start_line: 6,
        end_line: 6,
        start_column: 15,
        annotation_level: "failure",
        title: "max_recycles",
      }),
    ]);
    expect(String(output.annotations[0]?.message)).toContain("Did you mean `story_cap_usd`?");
    expect(String(output.annotations[1]?.message)).toContain("A valid value: max_recycles: 3");
    expect(watch.undocumented).toEqual([]);
  });

  it("a valid file passes with what it changes; redelivered, nothing more is written", async () => {
    const sha = "b".repeat(40);
    files.set(sha, "trigger_label: ai\n");
    await app.send("push", pushOf(sha, [".github/wave.yml"]), "push-valid");
    expect(await outcomeOf("push-valid")).toBe("wave/config success on bbbbbbb (created)");
    expect(checkRuns[0]?.body).toMatchObject({
      conclusion: "success",
      output: { summary: 'Valid. 1 setting differs from the defaults: `trigger_label` "wave" → "ai".' },
    });
    const again = await app.send("push", pushOf(sha, [".github/wave.yml"]), "push-valid");
    expect(again.status).toBe(200);
    // Another delivery of the same commit (a re-run): the stored run matches, so no request is made.
    await app.send("push", pushOf(sha, [".github/wave.yml"]), "push-valid-2");
    expect(await outcomeOf("push-valid-2")).toBe("wave/config success on bbbbbbb (unchanged)");
    expect(checkRuns).toHaveLength(1);
    expect(patches).toHaveLength(0);
  });

  it("a push that does not touch the file makes no request; a removed file passes", async () => {
    await app.send("push", pushOf("c".repeat(40), ["README.md"]), "push-other");
    expect(await outcomeOf("push-other")).toBe("ignored: .github/wave.yml unchanged");
    await app.send("push", pushOf("d".repeat(40), [".github/wave.yml"]), "push-removed");
    expect(await outcomeOf("push-removed")).toBe("wave/config success on ddddddd (created)");
    expect(checkRuns.map((r) => r.head_sha)).toEqual(["d".repeat(40)]);
    expect(watch.undocumented).toEqual([]);
  });

  it("a file that loosens what the organisation decides passes, with a warning at each ignored key", async () => {
    orgFile = "commands:\n  permissions:\n    approve: { role: maintain }\norg_policy:\n  max_story_usd: 10\n";
    const sha = "e".repeat(40);
    files.set(
      sha,
      "trigger_label: wave\ncommands:\n  permissions:\n    resume-all:\n      role: triage\n    approve:\n      role: write\nbudget:\n  story_cap_usd: 500\n",
    );
    await app.send("push", pushOf(sha, [".github/wave.yml"]), "push-loosens");
    expect(await outcomeOf("push-loosens")).toBe("wave/config success on eeeeeee (created)");
    const output = checkRuns[0]?.body.output as { title: string; summary: string; annotations: Record<string, unknown>[] };
    expect(checkRuns[0]?.body.conclusion).toBe("success");
    expect(output.title).toBe(".github/wave.yml is valid; 3 settings ignored for the organisation's");
    expect(output.annotations).toEqual([
      expect.objectContaining({ start_line: 9, annotation_level: "warning", title: "budget.story_cap_usd ignored" }),
      expect.objectContaining({ start_line: 5, annotation_level: "warning", title: "commands.permissions.resume-all.role ignored" }),
      expect.objectContaining({ start_line: 7, annotation_level: "warning", title: "commands.permissions.approve.role ignored" }),
    ]);
    expect(output.summary).toContain("its `owner` holds");
    expect(watch.undocumented).toEqual([]);
  });
});
