import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/app-harness.js";
import { startFakeGitHub, type FakeGitHub } from "../support/fake-github-server.js";
import { openApiChecker } from "../support/openapi-check.js";
import { seedStories } from "../support/seed-stories.js";

/**
 * The JSON API against the running app, every answer held against
 * docs/portal-openapi.json; callers authenticate with a GitHub token that the
 * loopback GitHub fake checks (`GET /user`, `/user/installations`).
 */
describe("the portal's JSON API", () => {
  let github: FakeGitHub;
  let app: TestApp;
  const check = openApiChecker();
  const FIRST_REPO = 9000;
  const token = "ghu_api_client";
  const readerToken = "ghu_reader";

  const call = async (method: string, template: string, path: string, options: { token?: string; body?: unknown } = {}) => {
    const res = await fetch(`${app.origin}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body ? { "content-type": "application/json" } : {}),
      },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    });
    const body = (await res.json()) as Record<string, unknown>;
    check(method, template, res.status, body);
    return { status: res.status, body };
  };

  beforeAll(async () => {
    github = await startFakeGitHub();
    app = await startTestApp({ githubBaseUrl: github.url, portal: {} });
    // 3 repositories, 130 stories; the API client can read two of them.
    await seedStories(app.pool, { count: 130, repositories: 3, firstRepoId: FIRST_REPO, owner: "acme", installationId: 55 });
    github.oauth.tokens.set(token, "maintainer");
    github.oauth.tokens.set(readerToken, "reader");
    github.roles.set("reader", "read");
    const account = { login: "acme", type: "Organization" as const };
    const repositories = [
      { id: FIRST_REPO, name: "repo-0" },
      { id: FIRST_REPO + 1, name: "repo-1" },
    ];
    github.userInstallations.set("maintainer", [{ id: 55, account, repositories }]);
    github.userInstallations.set("reader", [{ id: 55, account, repositories }]);
  });
  afterAll(async () => {
    await app?.stop();
    await github?.close();
  });

  it("pages through exactly the stories the token can read, newest first, with no repeats or gaps", async () => {
    const expected = (
      await app.pool.query(`SELECT id FROM stories WHERE repo_id IN ($1, $2) ORDER BY created_at DESC, id DESC`, [
        FIRST_REPO,
        FIRST_REPO + 1,
      ])
    ).rows.map((r) => r.id as string);
    expect(expected.length).toBeGreaterThan(80);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Record<string, unknown> } = await call(
        "GET",
        "/wave/api/stories",
        `/wave/api/stories?limit=25${cursor ? `&cursor=${cursor}` : ""}`,
        { token },
      );
      expect(page.status).toBe(200);
      seen.push(...(page.body.stories as { id: string }[]).map((s) => s.id));
      cursor = page.body.next_cursor as string | null;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it("filters by state, repository and waiting for a human", async () => {
    const held = await call("GET", "/wave/api/stories", "/wave/api/stories?state=held&limit=200", { token });
    const stories = held.body.stories as { status: string; waitingForHuman: boolean; repository: string }[];
    expect(stories.length).toBeGreaterThan(0);
    expect(stories.every((s) => s.status === "held" && s.waitingForHuman)).toBe(true);
    const repo = await call("GET", "/wave/api/stories", "/wave/api/stories?repository=ACME/repo-1&limit=200", { token });
    expect((repo.body.stories as { repository: string }[]).every((s) => s.repository === "acme/repo-1")).toBe(true);
    const unseen = await call("GET", "/wave/api/stories", "/wave/api/stories?repository=acme/repo-2", { token });
    expect(unseen.body.stories).toEqual([]);
    const waiting = await call("GET", "/wave/api/stories", "/wave/api/stories?waiting_for_human=true&limit=200", { token });
    expect((waiting.body.stories as unknown[]).length).toBe(stories.length);
  });

  it("answers bad input with a clear 400 and no token with 401", async () => {
    expect((await call("GET", "/wave/api/stories", "/wave/api/stories?state=sleeping", { token })).status).toBe(400);
    expect((await call("GET", "/wave/api/stories", "/wave/api/stories?limit=0", { token })).status).toBe(400);
    const bad = await call("GET", "/wave/api/stories", "/wave/api/stories?cursor=garbage", { token });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/cursor/);
    expect((await call("GET", "/wave/api/stories", "/wave/api/stories")).status).toBe(401);
    expect((await call("GET", "/wave/api/stories", "/wave/api/stories", { token: "ghu_unknown" })).status).toBe(401);
  });

  it("shows one story with its timeline and acts on it through the permission matrix", async () => {
    const active = (
      await app.pool.query(`SELECT id FROM stories WHERE repo_id = $1 AND status = 'active' ORDER BY created_at DESC LIMIT 1`, [FIRST_REPO])
    ).rows[0].id as string;
    const hidden = (await app.pool.query(`SELECT id FROM stories WHERE repo_id = $1 LIMIT 1`, [FIRST_REPO + 2])).rows[0].id as string;
    const detail = await call("GET", "/wave/api/stories/{id}", `/wave/api/stories/${active}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.links).toMatchObject({ issue: expect.stringContaining("/acme/repo-0/issues/") });
    expect((await call("GET", "/wave/api/stories/{id}", `/wave/api/stories/${hidden}`, { token })).status).toBe(404);

    const refused = await call("POST", "/wave/api/stories/{id}/{action}", `/wave/api/stories/${active}/hold`, {
      token: readerToken,
      body: { reason: "not mine" },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.verdict).toBe("refused");
    // Line breaks are folded: a body cannot smuggle a second command in.
    const held = await call("POST", "/wave/api/stories/{id}/{action}", `/wave/api/stories/${active}/hold`, {
      token,
      body: { reason: "wait\n/wave kill gone" },
    });
    expect(held.status).toBe(200);
    expect(held.body).toEqual({ verdict: "accepted", message: "Done: hold.", done: true });
    expect((await app.pool.query(`SELECT status FROM stories WHERE id = $1`, [active])).rows[0].status).toBe("held");
    const audit = await app.pool.query(`SELECT actor, detail FROM audit_events WHERE story_id = $1 AND event = 'COMMAND' ORDER BY id`, [
      active,
    ]);
    expect(audit.rows.map((r) => [r.actor, r.detail.verdict, r.detail.source])).toEqual([
      ["reader", "refused", "portal"],
      ["maintainer", "accepted", "portal"],
    ]);
    expect(audit.rows[1].detail.commands).toEqual(["/wave hold wait /wave kill gone"]);
    // Permitted, but a held story is not at an approval step: nothing changes, and the answer says so.
    const misplaced = await call("POST", "/wave/api/stories/{id}/{action}", `/wave/api/stories/${active}/approve`, { token, body: {} });
    expect(misplaced.status).toBe(409);
    expect(misplaced.body.done).toBe(false);
    expect((await call("POST", "/wave/api/stories/{id}/{action}", `/wave/api/stories/${active}/explode`, { token })).status).toBe(404);
  });

  it("serves /healthz and Prometheus metrics", async () => {
    expect((await fetch(`${app.origin}/healthz`)).status).toBe(200);
    const res = await fetch(`${app.origin}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^wave_stories\{status="killed"\} \d+$/m);
    for (const name of [
      "wave_webhook_deliveries",
      "wave_queue_depth",
      "wave_gate_duration_seconds_avg",
      "wave_model_tokens",
      "wave_model_cost_usd",
      "wave_sandboxes_running",
      "wave_sandbox_exec_seconds_avg",
      "wave_github_requests_total",
      "wave_github_rate_limit_remaining",
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    const counts: Record<string, number> = Object.fromEntries(
      [...text.matchAll(/^wave_stories\{status="(\w+)"\} (\d+)$/gm)].map((m) => [m[1] ?? "", Number(m[2])]),
    );
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(130);
  });
});
