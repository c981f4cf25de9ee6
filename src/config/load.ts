import type { ProbotOctokit } from "probot";
import { ConfigError } from "../errors.js";
import { callGitHub } from "../github/call-github.js";
import { GitHubError } from "../github/errors.js";
import { isPermanentRefusal } from "../github/refusal.js";
import { applyOrgPolicy } from "./org-policy.js";
import { waveConfigSchema, type WaveConfig } from "./schema.js";

export const CONFIG_PATH = ".github/wave.yml";

type Octokit = InstanceType<typeof ProbotOctokit>;
type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge where later objects win and arrays are replaced, not concatenated. */
export function deepMerge(...layers: Plain[]): Plain {
  const out: Plain = {};
  for (const layer of layers) {
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      out[k] = isPlain(prev) && isPlain(v) ? deepMerge(prev, v) : v;
    }
  }
  return out;
}

function hasPath(obj: unknown, path: PropertyKey[]): boolean {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isPlain(cur) || !(String(p) in cur)) return false;
    cur = cur[String(p)];
  }
  return true;
}

/** `owner/.github:…`: the organisation's defaults and policy. */
export function isOrganisationFile(location: string): boolean {
  return /^[^/]+\/\.github:/.test(location);
}

export interface LoadedFile {
  /** `owner/repo:path`, where the user will find the file. */
  location: string;
  config: Plain | null;
}

/**
 * Validates merged configuration layers (organisation defaults first, the
 * repository's file last). Pure. An error names the file that set the bad key.
 */
export function validateConfig(files: LoadedFile[]): WaveConfig {
  const present = files.filter((f): f is LoadedFile & { config: Plain } => f.config !== null);
  // Only the organisation's .github repository decides its policy; a repository's file naming it is refused, not merged.
  const usurper = present.find((f) => !isOrganisationFile(f.location) && "org_policy" in f.config);
  if (usurper) {
    throw new ConfigError(
      `${usurper.location}: \`org_policy\` may only be set in the organisation's .github repository.`,
      usurper.location,
      [{ key: "org_policy", message: "only the organisation's .github repository may set it" }],
      {
        hint: "Remove `org_policy` from this file; to be stricter than the organisation, set the key itself (e.g. `budget.story_cap_usd`).",
      },
    );
  }
  const merged = deepMerge(...present.map((f) => f.config));
  delete merged._extends;
  const result = waveConfigSchema.safeParse(merged);
  if (result.success) {
    const policy = applyOrgPolicy(result.data, result.data.org_policy);
    const [first] = policy.problems;
    const location = present[present.length - 1]?.location ?? CONFIG_PATH;
    if (first) {
      throw new ConfigError(`${location}: \`${first.key}\`: ${first.message}`, location, policy.problems, {
        hint: "Choose an allowed model, or ask an organisation owner to allow it in the .github repository's `org_policy.allowed_models`.",
      });
    }
    return policy.config;
  }
  const issues = result.error.issues.map((issue) => {
    const path = issue.path;
    const key =
      issue.code === "unrecognized_keys" ? [...path.map(String), ...issue.keys].join(".") : path.map(String).join(".") || "(top level)";
    const keyPath = issue.code === "unrecognized_keys" ? [...path, issue.keys[0] ?? ""] : path;
    const owner = [...present].reverse().find((f) => hasPath(f.config, keyPath)) ?? present[present.length - 1];
    return { key, message: issue.message, file: owner?.location ?? CONFIG_PATH };
  });
  const first = issues[0];
  throw new ConfigError(
    `${first?.file ?? CONFIG_PATH}: \`${first?.key ?? "?"}\`: ${first?.message ?? "invalid"}`,
    first?.file ?? CONFIG_PATH,
    issues.map(({ key, message }) => ({ key, message })),
    { hint: "Fix the file (see the configuration reference in WAVE's README) and label the issue again." },
  );
}

/**
 * Loads `.github/wave.yml` through Probot's config plugin (inside `callGitHub`), which follows
 * `_extends` (e.g. `_extends: .github` for the organisation's defaults) and
 * falls back to the organisation's `.github` repository.
 */
export async function loadConfig(octokit: Octokit, owner: string, repo: string): Promise<WaveConfig> {
  let files: LoadedFile[];
  try {
    // Through the one retry layer, like every other request: a 5xx or rate limit is waited out there.
    const result = await callGitHub(() => octokit.config.get({ owner, repo, path: CONFIG_PATH }));
    // The plugin lists the repository's file first and what it extends after it.
    files = result.files.map((f) => ({ location: `${f.owner}/${f.repo}:${f.path}`, config: f.config })).reverse();
  } catch (error) {
    // GitHub failing for now says nothing about the file: the job is retried, nobody is told it is invalid.
    if (error instanceof GitHubError && !isPermanentRefusal(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigError(
      `${owner}/${repo}:${CONFIG_PATH} could not be read: ${message}`,
      `${owner}/${repo}:${CONFIG_PATH}`,
      [{ key: "(file)", message }],
      { hint: "Check that the file is valid YAML, and that any `_extends` points at a repository WAVE is installed on.", cause: error },
    );
  }
  return validateConfig(files);
}
