import { DEFAULT_REGISTRIES, DEPENDENCY_FILES, ECOSYSTEMS, type EcosystemId } from "./ecosystems.js";

/** What the setup phase runs for one repository, decided from its files alone (pure). */
export interface SetupPlan {
  /** The ecosystems found (empty with a configured command and no lockfile). */
  ecosystems: EcosystemId[];
  /** One shell command line; each part must succeed. */
  command: string;
  /** Whether the command came from `sandbox.setup_command` rather than detection. */
  configured: boolean;
  /** Root files whose content is hashed into the cache key. */
  inputs: string[];
  /** Absolute sandbox paths packed into the dependency cache and restored into the agent's workspace. */
  installed: string[];
  /** Registries by name → base URL that the egress proxy lets setup reach. */
  registries: Record<string, string>;
}

export interface SetupSettings {
  /** `sandbox.setup_command`: replaces the detected install. */
  setupCommand: string | null;
  /** `sandbox.setup_scripts`: packages whose lifecycle scripts may run. */
  scriptPackages: string[];
  /** `sandbox.registries`: replaces the default registries. */
  registries: { name: string; url: string }[] | null;
}

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;

/**
 * The setup for a repository whose root holds `files`, or null when there is nothing to install.
 * JavaScript package managers exclude each other (the lockfile present decides); other languages
 * add up (a Go service with a JavaScript frontend installs both).
 */
export function detectSetup(files: Iterable<string>, settings: SetupSettings): SetupPlan | null {
  const present = new Set(files);
  const found = ECOSYSTEMS.filter((e) => e.markers.some((m) => present.has(m)) && !(e.unless ?? []).some((u) => present.has(u)));
  const javascript = found.find((e) => ["pnpm", "yarn-berry", "yarn-classic", "npm"].includes(e.id));
  const chosen = found.filter((e) => !["pnpm", "yarn-berry", "yarn-classic", "npm"].includes(e.id) || e === javascript);
  if (chosen.length === 0 && !settings.setupCommand) return null;

  for (const name of settings.scriptPackages) {
    if (!PACKAGE_NAME.test(name)) throw new Error(`sandbox.setup_scripts: ${JSON.stringify(name)} is not a package name.`);
  }
  const scripts = settings.scriptPackages.join(" ");
  const detected = chosen.map((e) =>
    e.scriptsCommand && scripts ? `${e.command} && ${e.scriptsCommand.replace("$SCRIPTS", scripts)}` : e.command,
  );
  const command = settings.setupCommand ?? detected.map((c) => `(${c})`).join(" && ");

  const defaults = Object.fromEntries(chosen.flatMap((e) => e.registries).map((name) => [name, DEFAULT_REGISTRIES[name] ?? ""]));
  const registries = settings.registries
    ? Object.fromEntries(settings.registries.map((r) => [r.name, r.url.replace(/\/+$/, "")]))
    : defaults;
  // A configured command may install anything: every dependency file present keys its cache.
  const candidates = settings.setupCommand ? [...DEPENDENCY_FILES] : chosen.flatMap((e) => e.inputs);
  const inputs = [...new Set(candidates)].filter((f) => present.has(f)).sort();
  const installed = [...new Set(chosen.flatMap((e) => e.installed))];
  return {
    ecosystems: chosen.map((e) => e.id),
    command,
    configured: settings.setupCommand !== null,
    inputs,
    // A configured command with no lockfile still gets the usual places cached.
    installed: installed.length > 0 ? installed : ["/workspace/node_modules", "/workspace/.venv"],
    registries,
  };
}
