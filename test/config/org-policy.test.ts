import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ConfigError } from "../../src/errors.js";
import { validateConfig, type LoadedFile } from "../../src/config/load.js";
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
