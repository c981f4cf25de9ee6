import { repositoryRoles } from "./sections/story.js";
import type { OrgPolicy } from "./sections/org-policy.js";
import type { WaveConfig } from "./schema.js";
import type { IgnoredKey } from "./org-authority.js";

/** One policy key's effective value and where it came from, for `/wave status` and the docs. */
export interface PolicyValue {
  key: string;
  value: unknown;
  /** "organisation" when the policy decided it, "repository" when the repository's own (tighter) value stands. */
  source: "organisation" | "repository";
}

export interface PolicyResult {
  config: WaveConfig;
  effective: PolicyValue[];
  /** Settings the policy forbids outright (a model it does not allow). */
  problems: { key: string; message: string }[];
  /** Looser values the policy overrode, for `wave/config` and replies. */
  ignored: IgnoredKey[];
}

/** The model settings `allowed_models` governs. */
const MODEL_KEYS = [
  ["agents.planner.model", (c: WaveConfig) => c.agents.planner.model],
  ["agents.developer.model", (c: WaveConfig) => c.agents.developer.model],
  ["agents.reviewer.model", (c: WaveConfig) => c.agents.reviewer.model],
  ["safety.scorer.model", (c: WaveConfig) => c.safety.scorer.model],
] as const;

/**
 * Applies the organisation's policy to a repository's merged configuration. Pure. Each
 * key's rule lets the repository tighten and never loosen:
 * - `max_story_usd`: the story cap is the lower of the two;
 * - `allowed_models`: a model outside the list is a problem (WAVE will not call it);
 * - `forbidden_paths`: the organisation's globs are added to the repository's;
 * - `min_labeler_permission`: the labeler role is the higher of the two.
 */
export function applyOrgPolicy(config: WaveConfig, policy: OrgPolicy): PolicyResult {
  const next: WaveConfig = structuredClone(config);
  const effective: PolicyValue[] = [];
  const problems: PolicyResult["problems"] = [];
  const ignored: IgnoredKey[] = [];
  if (policy.max_story_usd !== null) {
    const tighter = config.budget.story_cap_usd <= policy.max_story_usd;
    if (!tighter)
      ignored.push({
        key: "budget.story_cap_usd",
        message: `the file asks for ${config.budget.story_cap_usd} USD, but the organisation's \`org_policy.max_story_usd\` is ${policy.max_story_usd} USD and holds (a repository may only lower the cap).`,
      });
    next.budget.story_cap_usd = Math.min(config.budget.story_cap_usd, policy.max_story_usd);
    effective.push({ key: "budget.story_cap_usd", value: next.budget.story_cap_usd, source: tighter ? "repository" : "organisation" });
  }
  if (policy.allowed_models !== null) {
    const allowed = policy.allowed_models;
    for (const [key, read] of MODEL_KEYS) {
      const model = read(config);
      if (!allowed.includes(model))
        problems.push({
          key,
          message: `\`${model}\` is not among the models the organisation allows (${allowed.map((m) => `\`${m}\``).join(", ")}).`,
        });
      else effective.push({ key, value: model, source: "repository" });
    }
  }
  if (policy.forbidden_paths.length > 0) {
    next.safety.forbidden_paths = [...new Set([...policy.forbidden_paths, ...config.safety.forbidden_paths])];
    effective.push({
      key: "safety.forbidden_paths",
      value: next.safety.forbidden_paths,
      source: config.safety.forbidden_paths.length > 0 ? "repository" : "organisation",
    });
  }
  if (policy.min_labeler_permission !== null) {
    const rank = (r: string) => repositoryRoles.indexOf(r as (typeof repositoryRoles)[number]);
    const tighter = rank(config.labeler_permission) >= rank(policy.min_labeler_permission);
    if (!tighter)
      ignored.push({
        key: "labeler_permission",
        message: `the file asks for \`${config.labeler_permission}\`, but the organisation's \`org_policy.min_labeler_permission\` is \`${policy.min_labeler_permission}\` and holds (a repository may only raise it).`,
      });
    next.labeler_permission = tighter ? config.labeler_permission : policy.min_labeler_permission;
    effective.push({ key: "labeler_permission", value: next.labeler_permission, source: tighter ? "repository" : "organisation" });
  }
  return { config: next, effective, problems, ignored };
}
