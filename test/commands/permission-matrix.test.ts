import { Octokit } from "@octokit/rest";
import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { commandNames, type CommandName } from "../../src/commands/command-catalog.js";
import { readCommandEvent } from "../../src/commands/command-event.js";
import { auditRole, evaluateCommandEvent, type Evaluation } from "../../src/commands/evaluate-command-event.js";
import { createSenderDirectory } from "../../src/commands/github/sender-directory.js";
import { commandsSection } from "../../src/config/sections/commands.js";
import type { RepositoryRole } from "../../src/config/sections/story.js";
import { edit, examplePayload } from "./support/examples.js";

/**
 * Every command × every repository role × the sender's relation to the story,
 * through GitHub's example payloads and the real REST routes (nock). The
 * expected table below is written from the issue, not from the code.
 */

const api = "https://api.github.com";
const org = { login: "octo-org", type: "Organization" } as const;
const repo = "hello-world";
const alice = "alice";

type Relation = "stranger" | "starter" | "hold-placer";
const roles: RepositoryRole[] = ["none", "read", "triage", "write", "maintain", "admin"];
const relations: Relation[] = ["stranger", "starter", "hold-placer"];
const rank = (role: RepositoryRole) => roles.indexOf(role);

/** The rules of issue 7, stated independently of the implementation. */
function expected(command: CommandName, role: RepositoryRole, relation: Relation, isOwner: boolean): boolean {
  switch (command) {
    case "status":
    case "help":
      return true;
    case "hold":
      return relation === "starter" || rank(role) >= rank("triage");
    case "unhold":
      return relation === "hold-placer" || rank(role) >= rank("maintain");
    case "approve":
      return relation !== "starter" && rank(role) >= rank("write");
    case "kill":
    case "budget":
      return rank(role) >= rank("maintain");
    case "recycle":
    case "retry":
      return rank(role) >= rank("write");
    case "stop-all":
    case "resume-all":
      return isOwner;
  }
}

const commandText: Record<CommandName, string> = {
  hold: "/wave hold lunch",
  unhold: "/wave unhold",
  approve: "/wave approve",
  kill: "/wave kill not needed",
  recycle: "/wave recycle use zod",
  retry: "/wave retry",
  status: "/wave status",
  help: "/wave help",
  budget: "/wave budget +2.50",
  "stop-all": "/wave stop-all",
  "resume-all": "/wave resume-all",
};

/** What the collaborator permission API answers for each role (`permission` is the legacy name). */
const permissionBody: Record<Exclude<RepositoryRole, "none">, { permission: string; role_name: string }> = {
  read: { permission: "read", role_name: "read" },
  triage: { permission: "read", role_name: "triage" },
  write: { permission: "write", role_name: "write" },
  maintain: { permission: "write", role_name: "maintain" },
  admin: { permission: "admin", role_name: "admin" },
};

function mockRole(owner: string, name: string, login: string, role: RepositoryRole): nock.Scope {
  const scope = nock(api).get(`/repos/${owner}/${name}/collaborators/${login}/permission`);
  if (role === "none") return scope.reply(404, { message: "Not Found" });
  return scope.reply(200, { ...permissionBody[role], user: { login } });
}

function mockOrgMembership(login: string, answer: "owner" | "member" | "pending-owner" | "none"): nock.Scope {
  const scope = nock(api).get(`/orgs/${org.login}/memberships/${login}`);
  if (answer === "none") return scope.reply(404, { message: "Not Found" });
  return scope.reply(200, {
    state: answer === "pending-owner" ? "pending" : "active",
    role: answer === "member" ? "member" : "admin",
    organization: { login: org.login },
    user: { login },
  });
}

const quiet = () => undefined;
const octokit = new Octokit({ auth: "test-installation-token", log: { debug: quiet, info: quiet, warn: quiet, error: quiet } });
const config = commandsSection.parse({});

function storyFor(relation: Relation) {
  return {
    starter: relation === "starter" ? alice : "bob",
    holdPlacers: [relation === "hold-placer" ? alice : "carol"],
  };
}

async function evaluate(
  name: "issue_comment" | "pull_request_review" | "check_run",
  payload: Record<string, unknown>,
  relation: Relation,
  cfg = config,
): Promise<Evaluation> {
  return evaluateCommandEvent(octokit, createSenderDirectory(), readCommandEvent(name, payload), {
    config: () => cfg,
    story: () => storyFor(relation),
  });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  // Every mocked call must have been made: a rule that skips its lookup would leave one pending.
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(() => nock.enableNetConnect());

const needsRole = (command: CommandName) => command !== "status" && command !== "help";
const needsOwner = (command: CommandName) => command === "stop-all" || command === "resume-all";

const cases = commandNames.flatMap((command) => roles.flatMap((role) => relations.map((relation) => ({ command, role, relation }))));

describe.each([
  ["issue_comment", "created"],
  ["pull_request_review", "submitted"],
] as const)("%s.%s: command × role × relation", (event, action) => {
  it.each(cases)("$command by $role ($relation)", async ({ command, role, relation }) => {
    const payload = edit(examplePayload(event, action), {
      body: `Thanks!\n${commandText[command]}\n`,
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    if (needsRole(command)) mockRole(org.login, repo, alice, role);
    // An organisation owner is always admin on its repositories, so only admins are asked about ownership here.
    if (needsOwner(command)) mockOrgMembership(alice, role === "admin" ? "owner" : "member");
    const isOwner = needsOwner(command) && role === "admin";
    const result = await evaluate(event, payload, relation);
    const allowed = expected(command, role, relation, isOwner);
    expect(result.kind).toBe(allowed ? "accepted" : "refused");
    if (result.kind === "refused") {
      expect(result.decision.actual).toBe(role);
      expect(result.reply).toContain(role === "none" ? "**no role**" : `the **${role}** role`);
      expect(result.reply).toContain(`@${alice}`);
    }
  });
});

describe("check_run.requested_action: the buttons follow the same rules", () => {
  const buttons: CommandName[] = ["approve", "hold", "unhold"];
  const buttonCases = buttons.flatMap((command) => roles.flatMap((role) => relations.map((relation) => ({ command, role, relation }))));
  it.each(buttonCases)("$command button by $role ($relation)", async ({ command, role, relation }) => {
    const payload = edit(examplePayload("check_run", "requested_action"), {
      identifier: command,
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    mockRole(org.login, repo, alice, role);
    const result = await evaluate("check_run", payload, relation);
    expect(result.kind).toBe(expected(command, role, relation, false) ? "accepted" : "refused");
    if (result.kind === "accepted" || result.kind === "refused") expect(result.commands.map((c) => c.name)).toEqual([command]);
  });

  it("ignores an identifier WAVE did not set (the example's own `lgtm|26764`)", async () => {
    const result = await evaluate("check_run", examplePayload("check_run", "requested_action"), "stranger");
    expect(result).toEqual({ kind: "ignored", reason: "not-a-command" });
  });
});

describe("organisation owners", () => {
  const ownership = [
    ["an active owner", "owner", true],
    ["a member", "member", false],
    ["an owner whose invitation is pending", "pending-owner", false],
    ["an outsider (404)", "none", false],
  ] as const;
  it.each(ownership)("stop-all by %s", async (_name, answer, allowed) => {
    const payload = edit(examplePayload("issue_comment", "created"), {
      body: "/wave stop-all incident",
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    mockRole(org.login, repo, alice, "admin");
    mockOrgMembership(alice, answer);
    const result = await evaluate("issue_comment", payload, "stranger");
    expect(result.kind).toBe(allowed ? "accepted" : "refused");
    if (result.kind === "refused") expect(result.reply).toContain("needs an **organisation owner**");
  });

  it("on a user's repository the owner account is the owner, with no membership call", async () => {
    const payload = examplePayload("issue_comment", "created"); // Codertocat commenting on Codertocat/Hello-World
    edit(payload, { body: "/wave resume-all" });
    mockRole("Codertocat", "Hello-World", "Codertocat", "admin");
    expect((await evaluate("issue_comment", payload, "stranger")).kind).toBe("accepted");
  });

  it("on a user's repository an admin collaborator is not the owner", async () => {
    const payload = edit(examplePayload("issue_comment", "created"), { body: "/wave stop-all", sender: { login: alice, type: "User" } });
    mockRole("Codertocat", "Hello-World", alice, "admin");
    expect((await evaluate("issue_comment", payload, "stranger")).kind).toBe("refused");
  });
});

describe("who is never asked about", () => {
  const bots = [
    ["a Bot sender", { login: "wave-app", type: "Bot" }],
    ["a [bot] login", { login: "renovate[bot]", type: "User" }],
  ] as const;
  it.each(bots)("%s is ignored before any API call", async (_name, sender) => {
    for (const [event, action] of [
      ["issue_comment", "created"],
      ["pull_request_review", "submitted"],
      ["check_run", "requested_action"],
    ] as const) {
      const payload = edit(examplePayload(event, action), { body: "/wave kill loop", identifier: "approve", sender, owner: org, repo });
      expect(await evaluate(event, payload, "stranger")).toEqual({ kind: "ignored", reason: "bot" });
    }
  });

  it.each([
    ["issue_comment", "edited"],
    ["issue_comment", "deleted"],
    ["pull_request_review", "dismissed"],
    ["check_run", "created"],
  ] as const)("%s.%s carries no commands", async (event, action) => {
    const payload = edit(examplePayload(event, action), {
      body: "/wave kill edited",
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    expect(await evaluate(event, payload, "stranger")).toEqual({ kind: "ignored", reason: "not-a-command" });
  });

  it("a comment without commands costs no config load and no call", async () => {
    let loaded = 0;
    const payload = examplePayload("issue_comment", "created");
    const result = await evaluateCommandEvent(octokit, createSenderDirectory(), readCommandEvent("issue_comment", payload), {
      config: () => {
        loaded++;
        return config;
      },
      story: () => storyFor("stranger"),
    });
    expect(result).toEqual({ kind: "ignored", reason: "no-commands" });
    expect(loaded).toBe(0);
  });
});

describe("a comment needs the highest permission any of its commands needs", () => {
  it("refuses hold + budget from a triager, naming maintain", async () => {
    const payload = edit(examplePayload("issue_comment", "created"), {
      body: "/wave hold\n/wave budget +3",
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    mockRole(org.login, repo, alice, "triage");
    const result = await evaluate("issue_comment", payload, "stranger");
    expect(result.kind).toBe("refused");
    if (result.kind !== "refused") return;
    expect(result.decision.needed).toBe("maintain");
    expect(result.decision.verdicts.map((v) => [v.command, v.allowed])).toEqual([
      ["hold", true],
      ["budget", false],
    ]);
    expect(result.reply).toMatchInlineSnapshot(`
      "@alice, I did not run this comment, so nothing was done:

      - \`/wave budget\` needs the **maintain** role or above; you have the **triage** role on octo-org/hello-world."
    `);
  });

  it("refuses approve from the starter even as admin, and says why", async () => {
    const payload = edit(examplePayload("issue_comment", "created"), {
      body: "/wave approve",
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    mockRole(org.login, repo, alice, "admin");
    const result = await evaluate("issue_comment", payload, "starter");
    expect(result.kind).toBe("refused");
    if (result.kind === "refused") expect(result.reply).toContain("you started this story");
  });
});

describe("overrides in .github/wave.yml", () => {
  const comment = (body: string) =>
    edit(examplePayload("issue_comment", "created"), { body, sender: { login: alice, type: "User" }, owner: org, repo });

  it("by role: kill for write", async () => {
    const cfg = commandsSection.parse({ permissions: { kill: { role: "write" } } });
    mockRole(org.login, repo, alice, "write");
    expect((await evaluate("issue_comment", comment("/wave kill x"), "stranger", cfg)).kind).toBe("accepted");
    expect(cfg.permissions.hold.allow_starter).toBe(true);
  });

  it("by user: a reader named in users may kill", async () => {
    const cfg = commandsSection.parse({ permissions: { kill: { users: ["Alice"] } } });
    mockRole(org.login, repo, alice, "read");
    expect((await evaluate("issue_comment", comment("/wave kill x"), "stranger", cfg)).kind).toBe("accepted");
  });

  it.each([
    ["an active member", 200, "active", "accepted"],
    ["a pending member", 200, "pending", "refused"],
    ["not a member (404)", 404, "", "refused"],
  ] as const)("by team: %s of release-managers", async (_name, status, state, verdict) => {
    const cfg = commandsSection.parse({ permissions: { budget: { teams: ["release-managers"] } } });
    mockRole(org.login, repo, alice, "write");
    nock(api)
      .get(`/orgs/${org.login}/teams/release-managers/memberships/${alice}`)
      .reply(status, status === 200 ? { state, role: "member" } : { message: "Not Found" });
    expect((await evaluate("issue_comment", comment("/wave budget +5"), "stranger", cfg)).kind).toBe(verdict);
  });

  it("teams are not asked about when the role already suffices", async () => {
    const cfg = commandsSection.parse({ permissions: { budget: { teams: ["release-managers"] } } });
    mockRole(org.login, repo, alice, "maintain");
    expect((await evaluate("issue_comment", comment("/wave budget +5"), "stranger", cfg)).kind).toBe("accepted");
  });

  it("status can be restricted, and then asks for the role", async () => {
    const cfg = commandsSection.parse({ permissions: { status: { role: "read" } } });
    mockRole(org.login, repo, alice, "none");
    expect((await evaluate("issue_comment", comment("/wave status"), "stranger", cfg)).kind).toBe("refused");
  });

  it("the starter may approve when deny_starter is off", async () => {
    const cfg = commandsSection.parse({ permissions: { approve: { deny_starter: false } } });
    mockRole(org.login, repo, alice, "write");
    expect((await evaluate("issue_comment", comment("/wave approve"), "starter", cfg)).kind).toBe("accepted");
  });

  it("rejects unknown keys and bad values", () => {
    expect(commandsSection.safeParse({ permissions: { kil: {} } }).success).toBe(false);
    expect(commandsSection.safeParse({ permissions: { kill: { role: "boss" } } }).success).toBe(false);
    expect(commandsSection.safeParse({ permissions: { kill: { teams: ["Release Managers"] } } }).success).toBe(false);
    expect(commandsSection.safeParse({ role_cache_seconds: 3600 }).success).toBe(false);
  });
});

describe("custom repository roles", () => {
  it("count as the base permission GitHub reports", async () => {
    const payload = edit(examplePayload("issue_comment", "created"), {
      body: "/wave retry",
      sender: { login: alice, type: "User" },
      owner: org,
      repo,
    });
    nock(api)
      .get(`/repos/${org.login}/${repo}/collaborators/${alice}/permission`)
      .reply(200, { permission: "write", role_name: "security-reviewer" });
    expect((await evaluate("issue_comment", payload, "stranger")).kind).toBe("accepted");
  });
});

describe("the role recorded for the audit trail", () => {
  it("is the looked-up role, or null when none was needed", async () => {
    const comment = (body: string) =>
      edit(examplePayload("issue_comment", "created"), { body, sender: { login: alice, type: "User" }, owner: org, repo });
    mockRole(org.login, repo, alice, "write");
    expect(auditRole(await evaluate("issue_comment", comment("/wave retry"), "stranger"))).toBe("write");
    expect(auditRole(await evaluate("issue_comment", comment("/wave status"), "stranger"))).toBeNull();
    expect(auditRole(await evaluate("issue_comment", comment("/wave aprove"), "stranger"))).toBeNull();
  });
});
