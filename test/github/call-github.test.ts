import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { Octokit } from "@octokit/rest";
import { callGitHub } from "../../src/github/call-github.js";
import { createOnce } from "../../src/github/create-once.js";
import type { GitHubError } from "../../src/github/errors.js";
import {
  GitHubAmbiguousWrite,
  GitHubNotFound,
  GitHubPermissionMissing,
  GitHubRateLimited,
  GitHubValidationFailed,
} from "../../src/github/errors.js";
import { userMessage } from "../../src/errors.js";

const quiet = () => undefined;
const octokit = new Octokit({ auth: "t", log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
const api = () => nock("https://api.github.com");

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

const createCheck = () =>
  octokit.request("POST /repos/{owner}/{repo}/check-runs", { owner: "o", repo: "r", name: "wave/gates", head_sha: "a".repeat(40) });

describe("callGitHub", () => {
  it("names the missing app permission from GitHub's x-accepted-github-permissions header", async () => {
    api()
      .post("/repos/o/r/check-runs")
      .reply(
        403,
        { message: "Resource not accessible by integration" },
        { "x-accepted-github-permissions": "checks=write", "x-github-request-id": "AB:CD" },
      );
    const error = await callGitHub(createCheck).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubPermissionMissing);
    expect((error as GitHubPermissionMissing).permission).toBe("Checks: read and write");
    expect((error as GitHubPermissionMissing).requestId).toBe("AB:CD");
    expect(userMessage(error)).toBe(
      'The WAVE app cannot POST /repos/o/r/check-runs: its installation lacks the "Checks: read and write" permission. An organisation owner grants "Checks: read and write" in the app\'s settings (Permissions & events), then accepts the new permissions on the installation.',
    );
  });

  it("lists every set of permissions GitHub accepts", async () => {
    api()
      .post("/repos/o/r/check-runs")
      .reply(
        403,
        { message: "Resource not accessible by integration" },
        { "x-accepted-github-permissions": "checks=write; statuses=write,contents=read" },
      );
    const error = await callGitHub(createCheck).catch((e: unknown) => e);
    expect((error as GitHubPermissionMissing).permission).toBe(
      "Checks: read and write or Commit statuses: read and write, Contents: read-only",
    );
  });

  it("falls back to the route's permission when the header is missing", async () => {
    api().post("/repos/o/r/git/refs").reply(403, { message: "Resource not accessible by integration" });
    const error = await callGitHub(() =>
      octokit.request("POST /repos/{owner}/{repo}/git/refs", { owner: "o", repo: "r", ref: "refs/heads/wave/1-x", sha: "b".repeat(40) }),
    ).catch((e: unknown) => e);
    expect((error as GitHubPermissionMissing).permission).toBe("Contents: read and write");
  });

  it("says the workflows permission is what a change to .github/workflows would need", async () => {
    api().patch("/repos/o/r/git/refs/heads%2Fwave%2F1-x").reply(422, {
      message: "refusing to allow a GitHub App to create or update workflow `.github/workflows/ci.yml` without `workflows` permission",
    });
    const error = await callGitHub(() =>
      octokit.request("PATCH /repos/{owner}/{repo}/git/refs/{ref}", {
        owner: "o",
        repo: "r",
        ref: "heads/wave/1-x",
        sha: "b".repeat(40),
        force: true,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubPermissionMissing);
    expect((error as GitHubPermissionMissing).permission).toBe("Workflows: read and write");
  });

  it("turns 404 and 422 into named errors carrying GitHub's reasons", async () => {
    api().get("/repos/o/r/pulls/9").reply(404, { message: "Not Found" });
    api()
      .post("/repos/o/r/pulls")
      .reply(422, {
        message: "Validation Failed",
        errors: [{ resource: "PullRequest", code: "custom", message: "No commits between main and wave/1-x" }],
      });
    const notFound = await callGitHub(() =>
      octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "o", repo: "r", pull_number: 9 }),
    ).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(GitHubNotFound);
    expect((notFound as GitHubNotFound).hint).toMatch(/installed on this repository/);
    const invalid = await callGitHub(() =>
      octokit.request("POST /repos/{owner}/{repo}/pulls", { owner: "o", repo: "r", head: "wave/1-x", base: "main", title: "t" }),
    ).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(GitHubValidationFailed);
    expect((invalid as GitHubValidationFailed).errors).toEqual(["No commits between main and wave/1-x"]);
    expect((invalid as Error).message).toBe(
      "GitHub refused POST /repos/o/r/pulls (Validation Failed: No commits between main and wave/1-x).",
    );
  });

  it("waits out a 403 secondary rate limit's retry-after, then returns the answer", async () => {
    const waits: number[] = [];
    api().post("/repos/o/r/check-runs").reply(403, { message: "You have exceeded a secondary rate limit." }, { "retry-after": "3" });
    api().post("/repos/o/r/check-runs").reply(201, { id: 1 });
    const result = await callGitHub(createCheck, { sleep: async (ms) => void waits.push(ms) });
    expect(result.data.id).toBe(1);
    expect(waits).toEqual([3000]);
  });

  it("waits a minute for a secondary rate limit that names no time, and stops after maxAttempts", async () => {
    const waits: number[] = [];
    api().post("/repos/o/r/check-runs").times(2).reply(403, { message: "You have exceeded a secondary rate limit." });
    const error = await callGitHub(createCheck, { sleep: async (ms) => void waits.push(ms), maxAttempts: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRateLimited);
    expect(waits).toEqual([60_000]);
  });

  it("waits until x-ratelimit-reset for an exhausted primary limit", async () => {
    const waits: number[] = [];
    const now = 1_700_000_000_000;
    api()
      .post("/repos/o/r/check-runs")
      .reply(403, { message: "API rate limit exceeded" }, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 12) });
    api().post("/repos/o/r/check-runs").reply(201, { id: 2 });
    await callGitHub(createCheck, { sleep: async (ms) => void waits.push(ms), now: () => now });
    expect(waits).toEqual([12_000]);
  });

  it("retries a 5xx on a request that is safe to repeat, with backoff", async () => {
    const waits: number[] = [];
    api().get("/repos/o/r/pulls/9").reply(502, { message: "Bad Gateway" });
    api().get("/repos/o/r/pulls/9").reply(503, { message: "Service Unavailable" });
    api().get("/repos/o/r/pulls/9").reply(200, { number: 9 });
    const result = await callGitHub(
      () => octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { owner: "o", repo: "r", pull_number: 9 }),
      { sleep: async (ms) => void waits.push(ms) },
    );
    expect(result.data.number).toBe(9);
    expect(waits).toEqual([1000, 2000]);
  });

  it("does not repeat a creating write answered 5xx: GitHub may have saved it", async () => {
    api().post("/repos/o/r/check-runs").reply(502, { message: "Bad Gateway" });
    const error = await callGitHub(createCheck, { sleep: () => Promise.reject(new Error("must not wait")) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubAmbiguousWrite);
    expect((error as GitHubError).status).toBe(502);
  });

  it("does not retry permanent failures", async () => {
    api().post("/repos/o/r/check-runs").reply(403, { message: "Resource not accessible by integration" });
    const error = await callGitHub(createCheck, { sleep: () => Promise.reject(new Error("must not wait")) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubPermissionMissing);
  });

  it("finds what an ambiguous create may have made before creating again", async () => {
    let creates = 0;
    const made: number[] = [];
    // GitHub saved the first write and answered 502: found, not repeated.
    const first = await createOnce(
      async () => {
        creates++;
        made.push(1);
        throw new GitHubAmbiguousWrite({ status: 502, route: "POST /x", requestId: undefined, githubMessage: "Bad Gateway" });
      },
      async () => made.at(-1),
    );
    expect([first, creates]).toEqual([1, 1]);
    // GitHub did not save it: nothing found, sent again.
    creates = 0;
    const second = await createOnce(
      async () => {
        creates++;
        if (creates === 1)
          throw new GitHubAmbiguousWrite({ status: 504, route: "POST /x", requestId: undefined, githubMessage: "Gateway Timeout" });
        return 7;
      },
      async () => undefined,
    );
    expect([second, creates]).toEqual([7, 2]);
  });

  it("leaves errors that are not GitHub's alone", async () => {
    const boom = new TypeError("boom");
    await expect(callGitHub(() => Promise.reject(boom))).rejects.toBe(boom);
  });
});
