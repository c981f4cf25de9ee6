import type { ProbotOctokit } from "probot";
import { ConfigError } from "../errors.js";
import { callGitHub } from "../github/call-github.js";
import { GitHubError } from "../github/errors.js";
import { isPermanentRefusal } from "../github/refusal.js";
import { applyOrgAuthority, governedCommands, type IgnoredKey } from "./org-authority.js";
import { applyOrgPolicy, type PolicyValue } from "./org-policy.js";
import { defaultConfig, waveConfigSchema, type WaveConfig } from "./schema.js";

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

/**
 * `owner/.github:…`: the organisation's defaults and policy. With `owner`, only
 * that owner's `.github` counts, so `_extends: other-org/.github` cannot pose
 * as the organisation.
 */
export function isOrganisationFile(location: string, owner?: string): boolean {
  const match = /^([^/]+)\/\.github:/.exec(location);
  return match !== null && (owner === undefined || match[1]?.toLowerCase() === owner.toLowerCase());
}

/** The owner in an `owner/repo:path` location. */
function ownerOf(location: string): string {
  return location.split("/")[0] ?? "";
}

export interface LoadedFile {
  /** `owner/repo:path`, where the user will find the file. */
  location: string;
  config: Plain | null;
}

/** A validated configuration with what the organisation's authority changed in it. */
export interface ConfigReport {
  config: WaveConfig;
  /** The repository's settings the organisation's values overrode, with the file that set them. */
  ignored: (IgnoredKey & { file: string })[];
  /** The organisation-governed values in force and where each came from, for `/wave status`. */
  effective: PolicyValue[];
}

/**
 * Validates merged configuration layers (organisation defaults first, the
 * repository's file last). Pure. An error names the file that set the bad key.
 * Organisation-governed settings (`org_policy`, the `stop-all`/`resume-all`
 * rules, and every command rule the organisation's file names) are taken from
 * the organisation's layers only: from `files` when the repository extends its
 * owner's `.github`, else from `organisation`, the owner's `.github` file read
 * on its own. The repository's file may only tighten them (src/config/org-authority.ts).
 */
export function validateConfigReport(files: LoadedFile[], organisation: LoadedFile[] = []): ConfigReport {
  const present = files.filter((f): f is LoadedFile & { config: Plain } => f.config !== null);
  const owner = ownerOf(files[files.length - 1]?.location ?? "");
  // Only the organisation's .github repository decides its policy; a repository's file naming it is refused, not merged.
  const usurper = present.find((f) => !isOrganisationFile(f.location, owner) && "org_policy" in f.config);
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
  const orgIndex = present.findLastIndex((f) => isOrganisationFile(f.location, owner));
  const orgLayers =
    orgIndex >= 0 ? present.slice(0, orgIndex + 1) : organisation.filter((f): f is LoadedFile & { config: Plain } => f.config !== null);
  const orgRaw = deepMerge(...orgLayers.map((f) => f.config));
  delete orgRaw._extends;
  // An invalid organisation file is reported where it is read; here WAVE's defaults stand in for it, which are strict.
  const orgParsed = waveConfigSchema.safeParse(orgRaw);
  const orgConfig = orgParsed.success ? orgParsed.data : defaultConfig();
  const merged = deepMerge(...present.map((f) => f.config));
  delete merged._extends;
  const result = waveConfigSchema.safeParse(merged);
  if (result.success) {
    const policy = applyOrgPolicy(result.data, orgConfig.org_policy);
    const [first] = policy.problems;
    const location = present[present.length - 1]?.location ?? CONFIG_PATH;
    if (first) {
      throw new ConfigError(`${location}: \`${first.key}\`: ${first.message}`, location, policy.problems, {
        hint: "Choose an allowed model, or ask an organisation owner to allow it in the .github repository's `org_policy.allowed_models`.",
      });
    }
    const governed = governedCommands(orgRaw);
    const authority = applyOrgAuthority(policy.config.commands.permissions, orgConfig.commands.permissions, governed);
    const config: WaveConfig = { ...policy.config, commands: { ...policy.config.commands, permissions: authority.permissions } };
    const repositoryFile = [...present].reverse().find((f) => !isOrganisationFile(f.location, owner))?.location ?? location;
    const effective: PolicyValue[] = [
      ...policy.effective,
      ...governed.map((command) => ({
        key: `commands.permissions.${command}.role`,
        value: config.commands.permissions[command].role,
        source:
          config.commands.permissions[command].role === orgConfig.commands.permissions[command].role
            ? ("organisation" as const)
            : ("repository" as const),
      })),
    ];
    // Only what a repository's own file wrote is reported; WAVE's defaults below the organisation's rule are silently raised.
    const written = present.filter((f) => !isOrganisationFile(f.location, owner));
    const ignored = [...policy.ignored, ...authority.ignored]
      .filter((i) => written.some((f) => hasPath(f.config, i.key.split("."))))
      .map((i) => ({ ...i, file: repositoryFile }));
    return { config, ignored, effective };
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

/** `validateConfigReport`'s configuration alone. */
export function validateConfig(files: LoadedFile[], organisation: LoadedFile[] = []): WaveConfig {
  return validateConfigReport(files, organisation).config;
}

/**
 * Loads `.github/wave.yml` through Probot's config plugin (inside `callGitHub`), which follows
 * `_extends` (e.g. `_extends: .github` for the organisation's defaults) and
 * falls back to the organisation's `.github` repository.
 */
export async function loadConfig(octokit: Octokit, owner: string, repo: string): Promise<WaveConfig> {
  return (await loadConfigReport(octokit, owner, repo)).config;
}

/**
 * `loadConfig` with what the organisation's authority overrode. When the
 * repository's file does not extend its owner's `.github`, that file is read
 * too, only for the settings the organisation governs (its defaults do not apply).
 */
export async function loadConfigReport(octokit: Octokit, owner: string, repo: string): Promise<ConfigReport> {
  const read = async (name: string): Promise<LoadedFile[]> => {
    try {
      // Through the one retry layer, like every other request: a 5xx or rate limit is waited out there.
      const result = await callGitHub(() => octokit.config.get({ owner, repo: name, path: CONFIG_PATH }));
      // The plugin lists the repository's file first and what it extends after it.
      return result.files.map((f) => ({ location: `${f.owner}/${f.repo}:${f.path}`, config: f.config })).reverse();
    } catch (error) {
      // GitHub failing for now says nothing about the file: the job is retried, nobody is told it is invalid.
      if (error instanceof GitHubError && !isPermanentRefusal(error)) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigError(
        `${owner}/${name}:${CONFIG_PATH} could not be read: ${message}`,
        `${owner}/${name}:${CONFIG_PATH}`,
        [{ key: "(file)", message }],
        { hint: "Check that the file is valid YAML, and that any `_extends` points at a repository WAVE is installed on.", cause: error },
      );
    }
  };
  const files = await read(repo);
  const extendsOrganisation = files.some((f) => isOrganisationFile(f.location, owner));
  const organisation = extendsOrganisation || repo === ".github" ? [] : await read(".github");
  return validateConfigReport(files, organisation);
}
