import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError } from "../../src/errors.js";
import { validateConfig, validateConfigReport, type LoadedFile } from "../../src/config/load.js";
import { applyOrgPolicy } from "../../src/config/org-policy.js";
import { defaultConfig } from "../../src/config/schema.js";
import { validateConfigText } from "../../src/config/validate-config-text.js";

const org = (yaml: string): LoadedFile => ({
  location: "octo-org/.github:.github/wave.yml",
  config: parse(yaml) as Record<string, unknown>,
});
const repo = (yaml: string): LoadedFile => ({ location: "octo-org/app:.github/wave.yml", config: parse(yaml) as Record<string, unknown> });

function refused(files: LoadedFile[]): ConfigError {
  try {
    validateConfig(files);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("org_policy: repositories may tighten, never loosen", () => {
  it("max_story_usd: the lower cap wins, whichever file sets it", () => {
    const policy = org("org_policy:\n  max_story_usd: 10\n");
    expect(validateConfig([policy, repo("budget:\n  story_cap_usd: 50\n")]).budget.story_cap_usd).toBe(10);
    expect(validateConfig([policy, repo("budget:\n  story_cap_usd: 2\n")]).budget.story_cap_usd).toBe(2);
    // The organisation's own default below the policy stands; no repository file at all is the same.
    expect(validateConfig([org("org_policy:\n  max_story_usd: 10\nbudget:\n  story_cap_usd: 3\n")]).budget.story_cap_usd).toBe(3);
    expect(validateConfig([org("org_policy:\n  max_story_usd: 1\n")]).budget.story_cap_usd).toBe(1);
  });

  it("allowed_models: a model outside the list is refused, naming the key and the allowed ones", () => {
    const policy = org("org_policy:\n  allowed_models: [claude-sonnet-5-5, claude-haiku-4-5]\n");
    expect(validateConfig([policy, repo("trigger_label: wave\n")]).agents.developer.model).toBe("claude-sonnet-5-5");
    const error = refused([policy, repo("agents:\n  developer:\n    model: claude-opus-5-5\n")]);
    expect(error.message).toBe(
      "octo-org/app:.github/wave.yml: `agents.developer.model`: `claude-opus-5-5` is not among the models the organisation allows (`claude-sonnet-5-5`, `claude-haiku-4-5`).",
    );
    expect(refused([policy, repo("safety:\n  scorer:\n    model: claude-fable-5-1\n")]).issues.map((i) => i.key)).toEqual([
      "safety.scorer.model",
    ]);
  });

  it("forbidden_paths: the organisation's globs are always there; a repository can only add", () => {
    const policy = org("org_policy:\n  forbidden_paths: ['infra/**']\n");
    expect(validateConfig([policy, repo("safety:\n  forbidden_paths: ['db/**']\n")]).safety.forbidden_paths).toEqual(["infra/**", "db/**"]);
    // Replacing the list (arrays are replaced by the merge) cannot drop the organisation's glob.
    expect(
      validateConfig([
        org("org_policy:\n  forbidden_paths: ['infra/**']\nsafety:\n  forbidden_paths: ['infra/**', 'ops/**']\n"),
        repo("safety:\n  forbidden_paths: []\n"),
      ]).safety.forbidden_paths,
    ).toEqual(["infra/**"]);
  });

  it("min_labeler_permission: the higher role wins", () => {
    const policy = org("org_policy:\n  min_labeler_permission: maintain\n");
    expect(validateConfig([policy, repo("labeler_permission: read\n")]).labeler_permission).toBe("maintain");
    expect(validateConfig([policy, repo("labeler_permission: admin\n")]).labeler_permission).toBe("admin");
  });

  it("a repository's file may not set org_policy at all, not even to loosen it", () => {
    const error = refused([
      org("org_policy:\n  max_story_usd: 10\n"),
      repo("org_policy:\n  max_story_usd: 1000\nbudget:\n  story_cap_usd: 1000\n"),
    ]);
    expect(error.message).toMatch(
      /^octo-org\/app:\.github\/wave\.yml: `org_policy` may only be set in the organisation's \.github repository/,
    );
    const [p] = (() => {
      const v = validateConfigText("budget:\n  story_cap_usd: 2\norg_policy:\n  max_story_usd: 1000\n");
      return v.ok ? [] : v.problems;
    })();
    expect(p).toMatchObject({ key: "org_policy", line: 3, column: 1 });
    expect(validateConfigText("org_policy:\n  max_story_usd: 10\n", { organisationRepository: true }).ok).toBe(true);
  });

  it("reports each key's effective value and where it came from", () => {
    const config = { ...defaultConfig(), labeler_permission: "admin" as const };
    const { effective } = applyOrgPolicy(config, {
      max_story_usd: 1,
      allowed_models: null,
      forbidden_paths: ["infra/**"],
      min_labeler_permission: "write",
    });
    expect(effective).toEqual([
      { key: "budget.story_cap_usd", value: 1, source: "organisation" },
      { key: "safety.forbidden_paths", value: ["infra/**"], source: "organisation" },
      { key: "labeler_permission", value: "admin", source: "repository" },
    ]);
  });
});

describe("organisation authority over command rules: a repository may tighten, never loosen", () => {
  const ORG = org("commands:\n  permissions:\n    approve: { role: maintain, users: [ann, bob] }\n    stop-all: { users: [sre] }\n");

  it.each([
    ["role below the organisation's", "approve: { role: write }", "approve", { role: "maintain" }, ["commands.permissions.approve.role"]],
    ["role above it", "approve: { role: admin }", "approve", { role: "admin" }, []],
    [
      "a user the organisation does not list",
      "approve: { users: [ann, mallory] }",
      "approve",
      { users: ["ann"] },
      ["commands.permissions.approve.users"],
    ],
    ["fewer users", "approve: { users: [bob] }", "approve", { users: ["bob"] }, []],
    ["a team", "stop-all: { teams: [ops] }", "stop-all", { teams: [] }, ["commands.permissions.stop-all.teams"]],
    [
      "allow_starter",
      "stop-all: { allow_starter: true }",
      "stop-all",
      { allow_starter: false },
      ["commands.permissions.stop-all.allow_starter"],
    ],
    [
      "allow_hold_placer",
      "resume-all: { allow_hold_placer: true }",
      "resume-all",
      { allow_hold_placer: false },
      ["commands.permissions.resume-all.allow_hold_placer"],
    ],
    [
      "dropping deny_starter",
      "approve: { deny_starter: false }",
      "approve",
      { deny_starter: true },
      ["commands.permissions.approve.deny_starter"],
    ],
    ["resume-all for anyone", "resume-all: { role: none }", "resume-all", { role: "owner" }, ["commands.permissions.resume-all.role"]],
    [
      "stop-all for a maintainer",
      "stop-all: { role: maintain, users: [sre] }",
      "stop-all",
      { role: "owner", users: ["sre"] },
      ["commands.permissions.stop-all.role"],
    ],
  ] as const)("%s", (_, rule, command, expected, ignoredKeys) => {
    const report = validateConfigReport([ORG, repo(`commands:\n  permissions:\n    ${rule}\n`)]);
    expect(report.config.commands.permissions[command]).toMatchObject(expected);
    expect(report.ignored.map((i) => i.key)).toEqual(ignoredKeys);
    for (const i of report.ignored) expect(i.file).toBe("octo-org/app:.github/wave.yml");
  });

  it("applies to a repository that does not extend the organisation, with none of the organisation's defaults", () => {
    const own = repo("trigger_label: go\ncommands:\n  permissions:\n    resume-all: { role: triage }\n");
    const report = validateConfigReport([own], [org("trigger_label: wave-org\ncommands:\n  permissions:\n    kill: { role: admin }\n")]);
    expect(report.config.trigger_label).toBe("go");
    expect(report.config.commands.permissions["resume-all"].role).toBe("owner");
    expect(report.config.commands.permissions.kill.role).toBe("admin");
    expect(report.ignored.map((i) => i.key)).toEqual(["commands.permissions.resume-all.role"]);
    // With no organisation file at all, WAVE's defaults are the floor for stop-all and resume-all.
    expect(validateConfig([own]).commands.permissions["resume-all"].role).toBe("owner");
  });

  it("does not take another owner's .github for the organisation", () => {
    const evil: LoadedFile = {
      location: "evil-org/.github:.github/wave.yml",
      config: parse("commands:\n  permissions:\n    resume-all: { role: none }\n"),
    };
    expect(validateConfig([evil, repo("_extends: evil-org/.github\n")]).commands.permissions["resume-all"].role).toBe("owner");
    const policy: LoadedFile = { location: "evil-org/.github:.github/wave.yml", config: parse("org_policy:\n  max_story_usd: 1000\n") };
    expect(refused([policy, repo("trigger_label: wave\n")]).message).toMatch(/`org_policy` may only be set in the organisation's/);
  });

  it("leaves commands the organisation does not name to the repository, and reports only keys the repository wrote", () => {
    const report = validateConfigReport([
      org("commands:\n  permissions:\n    hold: { role: write }\n"),
      repo("commands:\n  permissions:\n    kill: { role: write }\n"),
    ]);
    expect(report.config.commands.permissions.kill.role).toBe("write");
    expect(report.config.commands.permissions.hold.role).toBe("write");
    expect(report.ignored).toEqual([]);
  });

  it("reports a raised story cap and a lowered labeler role as ignored", () => {
    const report = validateConfigReport([
      org("org_policy:\n  max_story_usd: 10\n  min_labeler_permission: maintain\n"),
      repo("budget:\n  story_cap_usd: 500\nlabeler_permission: triage\n"),
    ]);
    expect(report.config.budget.story_cap_usd).toBe(10);
    expect(report.ignored.map((i) => i.key)).toEqual(["budget.story_cap_usd", "labeler_permission"]);
    expect(report.ignored[0]?.message).toContain("`org_policy.max_story_usd` is 10 USD and holds");
    expect(report.effective).toContainEqual({ key: "commands.permissions.resume-all.role", value: "owner", source: "organisation" });
  });
});
