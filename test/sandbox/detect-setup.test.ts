import { describe, expect, it } from "vitest";
import { detectSetup, type SetupSettings } from "../../src/sandbox/setup/detect-setup.js";
import { DEFAULT_REGISTRIES, ECOSYSTEMS } from "../../src/sandbox/setup/ecosystems.js";
import { setupKey } from "../../src/sandbox/setup/setup-key.js";

const none: SetupSettings = { setupCommand: null, scriptPackages: [], registries: null };
const detect = (files: string[], settings: Partial<SetupSettings> = {}) => detectSetup(files, { ...none, ...settings });

/** Each ecosystem: the files that select it, and what its frozen, scripts-off command must contain. */
const cases = [
  { files: ["package.json", "package-lock.json"], id: "npm", has: ["npm ci", "--ignore-scripts"], registry: "npm" },
  { files: ["package.json", "npm-shrinkwrap.json"], id: "npm", has: ["npm ci", "--ignore-scripts"], registry: "npm" },
  { files: ["package.json", "pnpm-lock.yaml"], id: "pnpm", has: ["--frozen-lockfile", "--ignore-scripts"], registry: "npm" },
  { files: ["package.json", "yarn.lock", ".yarnrc.yml"], id: "yarn-berry", has: ["--immutable", "--mode=skip-build"], registry: "npm" },
  { files: ["package.json", "yarn.lock"], id: "yarn-classic", has: ["--frozen-lockfile", "--ignore-scripts"], registry: "yarn" },
  { files: ["requirements.txt"], id: "pip", has: ["--only-binary=:all:", "--no-deps", "requirements*.txt"], registry: "pypi" },
  { files: ["requirements-dev.txt", "setup.cfg"], id: "pip", has: ["--only-binary=:all:"], registry: "pypi-files" },
  { files: ["pyproject.toml", "uv.lock"], id: "uv", has: ["uv sync", "--frozen", "--no-build"], registry: "pypi" },
  { files: ["pyproject.toml", "poetry.lock"], id: "poetry", has: ["poetry install", "PIP_ONLY_BINARY=:all:"], registry: "pypi" },
  { files: ["go.mod", "go.sum"], id: "go", has: ["go mod download", "-mod=readonly"], registry: "go-proxy" },
  { files: ["Cargo.toml", "Cargo.lock"], id: "cargo", has: ["cargo fetch", "--locked"], registry: "crates-static" },
  { files: ["Gemfile", "Gemfile.lock"], id: "bundler", has: ["bundle install", "BUNDLE_FROZEN=true"], registry: "rubygems" },
  { files: ["pom.xml"], id: "maven", has: ["dependency:go-offline", "-B"], registry: "maven" },
  { files: ["build.gradle.kts", "gradlew"], id: "gradle", has: ["--no-daemon", "dependencies"], registry: "gradle-plugins" },
  { files: ["build.gradle"], id: "gradle", has: ["gradle"], registry: "maven" },
] as const;

describe("detectSetup", () => {
  it.each(cases)("$files → $id, frozen and with scripts off", ({ files, id, has, registry }) => {
    const plan = detect([...files, "README.md", "src"]);
    expect(plan?.ecosystems).toEqual([id]);
    for (const part of has) expect(plan?.command).toContain(part);
    expect(plan?.registries[registry]).toBe(DEFAULT_REGISTRIES[registry]);
    expect(plan?.configured).toBe(false);
    // The cache key hashes only files that are there, and at least the lockfile or manifest.
    expect(plan?.inputs.length).toBeGreaterThan(0);
    for (const input of plan?.inputs ?? []) expect(files).toContain(input);
  });

  it("covers every ecosystem in the catalogue", () => {
    expect(new Set(cases.map((c) => c.id))).toEqual(new Set(ECOSYSTEMS.map((e) => e.id)));
  });

  it("picks one JavaScript package manager by lockfile, and adds other languages", () => {
    expect(detect(["package.json", "package-lock.json", "pnpm-lock.yaml"])?.ecosystems).toEqual(["pnpm"]);
    expect(detect(["package.json", "package-lock.json", "yarn.lock"])?.ecosystems).toEqual(["yarn-classic"]);
    const both = detect(["package.json", "package-lock.json", "go.mod", "go.sum"]);
    expect(both?.ecosystems).toEqual(["npm", "go"]);
    expect(both?.command).toBe("(npm ci --ignore-scripts --no-audit --no-fund) && (GOFLAGS=-mod=readonly go mod download)");
    expect(both?.installed).toEqual(["/workspace/node_modules", "/home/wave/go/pkg/mod"]);
    expect(detect(["pyproject.toml", "uv.lock", "poetry.lock", "requirements.txt"])?.ecosystems).toEqual(["uv"]);
  });

  it("finds nothing to install in a repository without dependency files", () => {
    expect(detect(["package.json", "README.md"])).toBeNull();
    expect(detect([])).toBeNull();
  });

  it("runs the allowlisted packages' scripts after the scripts-off install, and refuses what is not a package name", () => {
    const plan = detect(["package.json", "package-lock.json"], { scriptPackages: ["esbuild", "@swc/core"] });
    expect(plan?.command).toBe("(npm ci --ignore-scripts --no-audit --no-fund && npm rebuild --ignore-scripts=false esbuild @swc/core)");
    expect(() => detect(["package-lock.json"], { scriptPackages: ["x; curl evil"] })).toThrow(/not a package name/);
  });

  it("takes a configured command and registries as they are, keying the cache on every dependency file present", () => {
    const plan = detect(["package.json", "package-lock.json", "go.sum", "notes.txt"], {
      setupCommand: "make deps",
      registries: [{ name: "npm", url: "https://npm.internal.example/" }],
    });
    expect(plan).toMatchObject({ command: "make deps", configured: true, registries: { npm: "https://npm.internal.example" } });
    expect(plan?.inputs).toEqual(["go.sum", "package-lock.json", "package.json"]);
    expect(detect(["README.md"], { setupCommand: "./install.sh" })?.installed).toEqual(["/workspace/node_modules", "/workspace/.venv"]);
  });
});

describe("setupKey", () => {
  const plan = detect(["package.json", "package-lock.json"]);
  if (!plan) throw new Error("no plan");
  const files = new Map([
    ["package.json", Buffer.from('{"name":"a"}')],
    ["package-lock.json", Buffer.from('{"lockfileVersion":3}')],
  ]);

  it("is the same for the same lockfile, image and command, and differs when any of them does", () => {
    const key = setupKey(plan, files, "sha256:image-1");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(setupKey(plan, new Map(files), "sha256:image-1")).toBe(key);
    expect(setupKey(plan, new Map([...files, ["package-lock.json", Buffer.from('{"lockfileVersion":3} ')]]), "sha256:image-1")).not.toBe(
      key,
    );
    expect(setupKey(plan, files, "sha256:image-2")).not.toBe(key);
    expect(setupKey({ ...plan, command: `${plan.command} --legacy-peer-deps` }, files, "sha256:image-1")).not.toBe(key);
    expect(setupKey({ ...plan, registries: { npm: "https://npm.internal.example" } }, files, "sha256:image-1")).not.toBe(key);
  });

  it("cannot be made equal by moving bytes between files", () => {
    const a = new Map([
      ["package.json", Buffer.from("ab")],
      ["package-lock.json", Buffer.from("c")],
    ]);
    const b = new Map([
      ["package.json", Buffer.from("a")],
      ["package-lock.json", Buffer.from("bc")],
    ]);
    expect(setupKey(plan, a, "i")).not.toBe(setupKey(plan, b, "i"));
  });
});
