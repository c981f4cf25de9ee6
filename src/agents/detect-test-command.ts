/**
 * Finds the command that runs a repository's tests from its files. Pure: it
 * reads the tree and the contents of the manifests the summary collected.
 * The first rule that matches wins; the order favours explicit declarations
 * (package.json, Makefile) over conventions (pytest, go test).
 */
export interface DetectedTestCommand {
  command: string;
  /** Which file made the decision, for the status comment. */
  reason: string;
}

export interface RepoFacts {
  /** Repository-relative file paths. */
  tree: readonly string[];
  /** Contents of the root manifests that were read (package.json, Makefile, pyproject.toml …). */
  files: Readonly<Record<string, string>>;
}

const NPM_PLACEHOLDER = /no test specified/i;

export function detectTestCommand(repo: RepoFacts): DetectedTestCommand | null {
  const has = (p: string) => repo.tree.includes(p);
  const pkg = repo.files["package.json"];
  if (pkg !== undefined) {
    const test = packageTestScript(pkg);
    if (test && !NPM_PLACEHOLDER.test(test)) {
      const runner = has("pnpm-lock.yaml")
        ? "pnpm test"
        : has("yarn.lock")
          ? "yarn test"
          : has("bun.lockb") || has("bun.lock")
            ? "bun run test"
            : "npm test";
      return { command: runner, reason: "package.json scripts.test" };
    }
  }
  const makefile = repo.files.Makefile ?? repo.files.makefile ?? repo.files.GNUmakefile;
  if (makefile !== undefined && /^test\s*:/m.test(makefile)) return { command: "make test", reason: "Makefile target `test`" };
  if (repo.files["Cargo.toml"] !== undefined) return { command: "cargo test", reason: "Cargo.toml" };
  if (repo.files["go.mod"] !== undefined) return { command: "go test ./...", reason: "go.mod" };
  const pyproject = repo.files["pyproject.toml"] ?? "";
  const setupCfg = repo.files["setup.cfg"] ?? "";
  const pythonTests = repo.tree.some((p) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(p));
  if (
    has("pytest.ini") ||
    /\[tool\.pytest/.test(pyproject) ||
    /\[tool:pytest\]/.test(setupCfg) ||
    (has("tox.ini") && /pytest/.test(repo.files["tox.ini"] ?? "")) ||
    ((pyproject !== "" || has("setup.py") || has("requirements.txt")) && pythonTests)
  )
    return { command: "python -m pytest", reason: "pytest configuration or test_*.py files" };
  if (has("pom.xml")) return { command: "mvn -q -B test", reason: "pom.xml" };
  if (has("build.gradle") || has("build.gradle.kts"))
    return { command: has("gradlew") ? "./gradlew test" : "gradle test", reason: "Gradle build" };
  if (has("Gemfile") && has("Rakefile")) return { command: "bundle exec rake test", reason: "Gemfile and Rakefile" };
  if (has("mix.exs")) return { command: "mix test", reason: "mix.exs" };
  if (pythonTests) return { command: "python -m pytest", reason: "test_*.py files" };
  return null;
}

function packageTestScript(json: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const scripts = (parsed as { scripts?: unknown }).scripts;
    if (typeof scripts !== "object" || scripts === null) return undefined;
    const test = (scripts as Record<string, unknown>).test;
    return typeof test === "string" ? test : undefined;
  } catch {
    return undefined;
  }
}
