import picomatch from "picomatch";

/** Test files by the conventions of the common ecosystems (JS/TS, Python, Go, Ruby, Java, Rust). */
export function isTestPath(path: string): boolean {
  // A file the test runner would pick up: source code, not fixtures data or a `.bak` copy.
  if (!/\.([cm]?[jt]sx?|py|go|rb|java|kt|rs|cs|php|exs?|scala|swift|clj|dart)$/i.test(path)) return false;
  return (
    /(^|\/)(test|tests|__tests__|spec|specs|testing|e2e)\//i.test(path) ||
    /\.(test|spec|e2e)\.[cm]?[jt]sx?$/i.test(path) ||
    /(^|\/)test_[^/]+\.py$/.test(path) ||
    /_test\.(py|go|rb|exs?)$/.test(path) ||
    /_spec\.rb$/.test(path) ||
    /Tests?\.(java|kt|cs|scala|swift)$/.test(path)
  );
}

/** Fixture and example data, where a labelled fake secret is expected. */
export function isFixturePath(path: string): boolean {
  return isTestPath(path) || /(^|\/)(fixtures?|testdata|__fixtures__|__mocks__|mocks?|examples?|samples?)\//i.test(path);
}

const lockfiles: Record<string, string[]> = {
  "package-lock.json": ["package.json"],
  "npm-shrinkwrap.json": ["package.json"],
  "yarn.lock": ["package.json"],
  "pnpm-lock.yaml": ["package.json", "pnpm-workspace.yaml"],
  "bun.lockb": ["package.json"],
  "bun.lock": ["package.json"],
  "Cargo.lock": ["Cargo.toml"],
  "poetry.lock": ["pyproject.toml"],
  "uv.lock": ["pyproject.toml"],
  "Pipfile.lock": ["Pipfile"],
  "Gemfile.lock": ["Gemfile", "gems.rb"],
  "go.sum": ["go.mod"],
  "composer.lock": ["composer.json"],
  "mix.lock": ["mix.exs"],
  "pubspec.lock": ["pubspec.yaml"],
  "packages.lock.json": [],
  "flake.lock": ["flake.nix"],
};

/** The manifests whose change explains a change to this lockfile, or null when it is not a lockfile. */
export function manifestsFor(path: string): string[] | null {
  const name = path.split("/").pop() ?? path;
  const manifests = lockfiles[name];
  if (!manifests) return null;
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
  return manifests.map((m) => dir + m);
}

const ciGlobs = [
  ".gitlab-ci.yml",
  ".gitlab/ci/**",
  ".circleci/**",
  ".travis.yml",
  "Jenkinsfile",
  "**/Jenkinsfile",
  "azure-pipelines.yml",
  ".azure-pipelines/**",
  "bitbucket-pipelines.yml",
  ".buildkite/**",
  ".drone.yml",
  "appveyor.yml",
  ".github/actions/**",
  ".husky/**",
  ".pre-commit-config.yaml",
  "lefthook.yml",
  ".woodpecker.yml",
  ".woodpecker/**",
];
const lintGlobs = [
  "**/.eslintrc",
  "**/.eslintrc.*",
  "**/eslint.config.*",
  "**/.eslintignore",
  "**/.prettierrc*",
  "**/.prettierignore",
  "**/.stylelintrc*",
  "**/tslint.json",
  "**/biome.json",
  "**/biome.jsonc",
  "**/.flake8",
  "**/ruff.toml",
  "**/.ruff.toml",
  "**/.pylintrc",
  "**/pylintrc",
  "**/mypy.ini",
  "**/.golangci.y*ml",
  "**/.rubocop.yml",
  "**/clippy.toml",
  "**/.editorconfig",
  "**/.markdownlint*",
  "**/tsconfig*.json",
  "**/lint-staged.config.*",
  "**/.lintstagedrc*",
  "**/commitlint.config.*",
];
const isCi = picomatch(ciGlobs, { dot: true });
const isLint = picomatch(lintGlobs, { dot: true });

export function isCiConfigPath(path: string): boolean {
  return isCi(path);
}

export function isLintConfigPath(path: string): boolean {
  return isLint(path);
}

/** Files whose lines are shell commands: scripts, Makefiles, Dockerfiles, CI steps, package.json scripts. */
export function isShellLikePath(path: string): boolean {
  const name = path.split("/").pop() ?? path;
  return (
    /\.(sh|bash|zsh|ksh)$/.test(name) ||
    /^(Makefile|GNUmakefile|Dockerfile|Containerfile|Justfile|justfile|Taskfile\.ya?ml|Procfile)$/.test(name) ||
    /^Dockerfile\./.test(name) ||
    /\.(mk|dockerfile)$/.test(name)
  );
}

/** A path (or glob) matcher that also treats a plain directory entry as covering what is inside it. */
export function pathMatcher(patterns: string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  const expanded = patterns.flatMap((p) => {
    const clean = p.replace(/^\.\//, "").replace(/^\//, "");
    return picomatch.scan(clean).isGlob ? [clean] : [clean.replace(/\/$/, ""), `${clean.replace(/\/$/, "")}/**`];
  });
  const match = picomatch(expanded, { dot: true });
  return (path) => match(path.replace(/^\.\//, ""));
}
