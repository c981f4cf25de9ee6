import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSenderDirectory } from "../../src/commands/github/sender-directory.js";
import { GitHubError, GitHubPermissionMissing, GitHubRateLimited } from "../../src/github/errors.js";
import { userMessage } from "../../src/errors.js";

const api = "https://api.github.com";
const quiet = () => undefined;
const octokit = new Octokit({ auth: "t", log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
const repository = { owner: "octo-org", repo: "app" };
const permissionPath = "/repos/octo-org/app/collaborators/alice/permission";

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("the role cache", () => {
  it("answers from memory within the TTL and asks again after it", async () => {
    const time = clock();
    const directory = createSenderDirectory({ now: time.now });
    nock(api).get(permissionPath).reply(200, { permission: "write", role_name: "write" });
    expect(await directory.role(octokit, repository, "alice", 60)).toBe("write");
    time.advance(59_000);
    // Same repository and user in another case: still cached, no second call.
    expect(await directory.role(octokit, { owner: "Octo-Org", repo: "APP" }, "ALICE", 60)).toBe("write");
    time.advance(1_000);
    nock(api).get(permissionPath).reply(200, { permission: "read", role_name: "read" });
    expect(await directory.role(octokit, repository, "alice", 60)).toBe("read");
  });

  it("caches per repository and per user", async () => {
    const directory = createSenderDirectory();
    nock(api).get(permissionPath).reply(200, { permission: "write", role_name: "write" });
    nock(api).get("/repos/octo-org/other/collaborators/alice/permission").reply(404, { message: "Not Found" });
    nock(api).get("/repos/octo-org/app/collaborators/bob/permission").reply(200, { permission: "admin", role_name: "admin" });
    expect(await directory.role(octokit, repository, "alice", 60)).toBe("write");
    expect(await directory.role(octokit, { owner: "octo-org", repo: "other" }, "alice", 60)).toBe("none");
    expect(await directory.role(octokit, repository, "bob", 60)).toBe("admin");
  });

  it("remembers a 404 as no role", async () => {
    const directory = createSenderDirectory();
    nock(api).get(permissionPath).once().reply(404, { message: "Not Found" });
    expect(await directory.role(octokit, repository, "alice", 60)).toBe("none");
    expect(await directory.role(octokit, repository, "alice", 60)).toBe("none");
  });

  it("does not cache with a TTL of 0", async () => {
    const directory = createSenderDirectory();
    nock(api).get(permissionPath).twice().reply(200, { permission: "write", role_name: "maintain" });
    expect(await directory.role(octokit, repository, "alice", 0)).toBe("maintain");
    expect(await directory.role(octokit, repository, "alice", 0)).toBe("maintain");
  });

  it("turns a server error into a named GitHub error, and does not cache it", async () => {
    const directory = createSenderDirectory();
    // A 500 that lasts: whichever layer retries server errors meets it every time.
    const failing = nock(api).get(permissionPath).times(10).reply(500, { message: "boom" });
    const error = await directory.role(octokit, repository, "alice", 60).catch((e: unknown) => e);
    expect(failing.isDone()).toBe(false);
    nock.cleanAll();
    expect(error).toBeInstanceOf(GitHubError);
    expect(userMessage(error)).toMatch(/GitHub answered 500 to GET \/repos\/octo-org\/app\/collaborators\/alice\/permission: boom/);
    nock(api).get(permissionPath).reply(200, { permission: "write", role_name: "write" });
    expect(await directory.role(octokit, repository, "alice", 60)).toBe("write");
  });

  it("maps legacy permission names and unknown custom roles", async () => {
    const directory = createSenderDirectory();
    nock(api).get(permissionPath).reply(200, { permission: "push", role_name: "custom-deployer" });
    expect(await directory.role(octokit, repository, "alice", 0)).toBe("write");
    nock(api).get(permissionPath).reply(200, { permission: "none" });
    expect(await directory.role(octokit, repository, "alice", 0)).toBe("none");
  });

  it("forgets the oldest entries beyond its bound", async () => {
    const directory = createSenderDirectory({ maxEntries: 1 });
    nock(api).get(permissionPath).twice().reply(200, { permission: "write", role_name: "write" });
    nock(api).get("/repos/octo-org/app/collaborators/bob/permission").reply(200, { permission: "read", role_name: "read" });
    await directory.role(octokit, repository, "alice", 60);
    await directory.role(octokit, repository, "bob", 60);
    await directory.role(octokit, repository, "alice", 60);
  });
});

describe("organisation ownership and teams", () => {
  it("says to grant Organization members (read) when GitHub refuses the membership call", async () => {
    const directory = createSenderDirectory();
    nock(api).get("/orgs/octo-org/memberships/alice").reply(403, { message: "Resource not accessible by integration" });
    const error = await directory.isOwner(octokit, { login: "octo-org", type: "Organization" }, "alice", 60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubPermissionMissing);
    expect(userMessage(error)).toMatch(/lacks the "Organization members: read-only" permission.*grants/);
  });

  it("does not hold a person waiting on a long rate limit", async () => {
    const directory = createSenderDirectory();
    nock(api).get("/orgs/octo-org/teams/sre/memberships/alice").reply(429, { message: "slow down" }, { "retry-after": "120" });
    const error = await directory.isTeamMember(octokit, "octo-org", "sre", "alice", 60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRateLimited);
  });

  it("caches ownership", async () => {
    const directory = createSenderDirectory();
    nock(api).get("/orgs/octo-org/memberships/alice").once().reply(200, { state: "active", role: "admin" });
    const owner = { login: "octo-org", type: "Organization" } as const;
    expect(await directory.isOwner(octokit, owner, "alice", 60)).toBe(true);
    expect(await directory.isOwner(octokit, owner, "alice", 60)).toBe(true);
  });

  it("treats a team that does not exist as no membership", async () => {
    const directory = createSenderDirectory();
    nock(api).get("/orgs/octo-org/teams/ghosts/memberships/alice").reply(404, { message: "Not Found" });
    expect(await directory.isTeamMember(octokit, "octo-org", "ghosts", "alice", 60)).toBe(false);
  });
});
