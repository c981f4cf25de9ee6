/**
 * What the setup phase knows about each package ecosystem, as data: which files say it is in use,
 * how it installs from its lockfile without upgrading and without running package scripts, where
 * the installed result lives (packed into the dependency cache), and which registries it needs.
 * Paths in `installed` are absolute inside the sandbox; the home directory is /home/wave.
 */
export interface Ecosystem {
  id: EcosystemId;
  /** Files at the repository root whose presence selects this ecosystem (any one of them). */
  markers: string[];
  /** Files whose content decides what is installed: the cache key hashes them. */
  inputs: string[];
  /** Files present that exclude this ecosystem (e.g. a pnpm lockfile beats package-lock.json's absence). */
  unless?: string[];
  /** The install: frozen lockfile, no upgrades, lifecycle scripts off. `$SCRIPTS` is replaced by the allowlisted packages. */
  command: string;
  /** Runs the lifecycle scripts of the allowlisted packages only (`$SCRIPTS`, shell-quoted), after the install. */
  scriptsCommand?: string;
  installed: string[];
  /** Default registries (the organisation may replace them through `sandbox.registries`). */
  registries: string[];
}

export type EcosystemId =
  "npm" | "pnpm" | "yarn-berry" | "yarn-classic" | "uv" | "poetry" | "pip" | "go" | "cargo" | "bundler" | "maven" | "gradle";

const HOME = "/home/wave";
const WS = "/workspace";

/** Default registries by name; their hosts are what the egress proxy lets through. */
export const DEFAULT_REGISTRIES: Record<string, string> = {
  npm: "https://registry.npmjs.org",
  yarn: "https://registry.yarnpkg.com",
  pypi: "https://pypi.org",
  "pypi-files": "https://files.pythonhosted.org",
  "go-proxy": "https://proxy.golang.org",
  "go-sum": "https://sum.golang.org",
  "crates-index": "https://index.crates.io",
  "crates-static": "https://static.crates.io",
  crates: "https://crates.io",
  rubygems: "https://rubygems.org",
  "rubygems-index": "https://index.rubygems.org",
  maven: "https://repo.maven.apache.org",
  "gradle-plugins": "https://plugins.gradle.org",
  "gradle-services": "https://services.gradle.org",
};

/** In detection order: the first JavaScript package manager that matches wins; other languages add up. */
export const ECOSYSTEMS: readonly Ecosystem[] = [
  {
    id: "pnpm",
    markers: ["pnpm-lock.yaml"],
    inputs: ["pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml", ".npmrc"],
    command: "corepack pnpm install --frozen-lockfile --ignore-scripts --prefer-offline",
    scriptsCommand: "corepack pnpm rebuild $SCRIPTS",
    installed: [`${WS}/node_modules`],
    registries: ["npm"],
  },
  {
    id: "yarn-berry",
    markers: [".yarnrc.yml"],
    inputs: ["yarn.lock", "package.json", ".yarnrc.yml"],
    unless: ["pnpm-lock.yaml"],
    command: "corepack yarn install --immutable --mode=skip-build",
    scriptsCommand: "corepack yarn rebuild $SCRIPTS",
    installed: [`${WS}/node_modules`, `${WS}/.yarn/cache`, `${WS}/.pnp.cjs`, `${WS}/.pnp.loader.mjs`],
    registries: ["yarn", "npm"],
  },
  {
    id: "yarn-classic",
    markers: ["yarn.lock"],
    inputs: ["yarn.lock", "package.json"],
    unless: ["pnpm-lock.yaml", ".yarnrc.yml"],
    command: "yarn install --frozen-lockfile --ignore-scripts --non-interactive",
    scriptsCommand: "npm rebuild --ignore-scripts=false $SCRIPTS",
    installed: [`${WS}/node_modules`],
    registries: ["yarn", "npm"],
  },
  {
    id: "npm",
    markers: ["package-lock.json", "npm-shrinkwrap.json"],
    inputs: ["package-lock.json", "npm-shrinkwrap.json", "package.json", ".npmrc"],
    unless: ["pnpm-lock.yaml", "yarn.lock"],
    command: "npm ci --ignore-scripts --no-audit --no-fund",
    scriptsCommand: "npm rebuild --ignore-scripts=false $SCRIPTS",
    installed: [`${WS}/node_modules`],
    registries: ["npm"],
  },
  {
    id: "uv",
    markers: ["uv.lock"],
    inputs: ["uv.lock", "pyproject.toml"],
    // --no-build: wheels only, so no package's build backend (its setup.py) runs.
    command: "uv sync --frozen --no-install-project --no-build",
    installed: [`${WS}/.venv`],
    registries: ["pypi", "pypi-files"],
  },
  {
    id: "poetry",
    markers: ["poetry.lock"],
    inputs: ["poetry.lock", "pyproject.toml"],
    unless: ["uv.lock"],
    command: "POETRY_VIRTUALENVS_IN_PROJECT=true PIP_ONLY_BINARY=:all: poetry install --no-root --sync --no-interaction",
    installed: [`${WS}/.venv`],
    registries: ["pypi", "pypi-files"],
  },
  {
    id: "pip",
    markers: ["requirements.txt", "requirements-dev.txt", "requirements-test.txt"],
    inputs: ["requirements.txt", "requirements-dev.txt", "requirements-test.txt"],
    unless: ["uv.lock", "poetry.lock"],
    // --only-binary: no sdist is built, so no setup.py runs; --no-deps: exactly what is pinned.
    command:
      'python3 -m venv .venv && for f in requirements*.txt; do .venv/bin/pip install --disable-pip-version-check --only-binary=:all: --no-deps -r "$f" || exit; done',
    installed: [`${WS}/.venv`],
    registries: ["pypi", "pypi-files"],
  },
  {
    id: "go",
    markers: ["go.mod"],
    inputs: ["go.mod", "go.sum"],
    // Go modules run no code when downloaded; -mod=readonly refuses to update go.mod/go.sum.
    command: "GOFLAGS=-mod=readonly go mod download",
    installed: [`${HOME}/go/pkg/mod`],
    registries: ["go-proxy", "go-sum"],
  },
  {
    id: "cargo",
    markers: ["Cargo.lock"],
    inputs: ["Cargo.lock", "Cargo.toml"],
    // fetch only downloads; build scripts run later, in the agent's (offline) sandbox.
    command: "cargo fetch --locked",
    installed: [`${HOME}/.cargo/registry`, `${HOME}/.cargo/git`],
    registries: ["crates-index", "crates-static", "crates"],
  },
  {
    id: "bundler",
    markers: ["Gemfile.lock"],
    inputs: ["Gemfile.lock", "Gemfile"],
    command: "BUNDLE_FROZEN=true bundle config set --global path /home/wave/.bundle/gems && BUNDLE_FROZEN=true bundle install --jobs 2",
    installed: [`${HOME}/.bundle`],
    registries: ["rubygems", "rubygems-index"],
  },
  {
    id: "maven",
    markers: ["pom.xml"],
    inputs: ["pom.xml"],
    command: "mvn -B -q dependency:go-offline",
    installed: [`${HOME}/.m2/repository`],
    registries: ["maven"],
  },
  {
    id: "gradle",
    markers: ["build.gradle", "build.gradle.kts"],
    inputs: ["build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", "gradle.lockfile"],
    unless: ["pom.xml"],
    command: 'if [ -x ./gradlew ]; then g=./gradlew; else g=gradle; fi; "$g" --no-daemon --console=plain dependencies',
    installed: [`${HOME}/.gradle/caches`, `${HOME}/.gradle/wrapper`],
    registries: ["maven", "gradle-plugins", "gradle-services"],
  },
];

/** Every file name (root-relative) whose content can change what setup installs. */
export const DEPENDENCY_FILES: ReadonlySet<string> = new Set(ECOSYSTEMS.flatMap((e) => [...e.markers, ...e.inputs]));
