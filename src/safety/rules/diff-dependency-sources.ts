import type { DiffRule } from "./diff-context.js";
import { violation } from "./violation.js";

const packageMetadata = new Set([
  "url",
  "homepage",
  "repository",
  "bugs",
  "funding",
  "$schema",
  "author",
  "email",
  "license",
  "type",
  "web",
  "docs",
  "changelog",
]);
/** A dependency spec that is not a registry version: git, a URL, a tarball, a GitHub shorthand, a path outside the repository. */
const offRegistrySpec = /^(git\+|git:|git@|https?:|github:|gitlab:|bitbucket:|file:\.\.|link:\.\.|[\w.-]+\/[\w.-]+(#[\w./-]*)?$)/;
const pythonIndex = /^\s*(--(extra-)?index-url|-i\s|--find-links|-f\s|--trusted-host)|\bgit\+|(^|\s|@\s*)https?:\/\//;
const defaultRegistries = /registry\.npmjs\.org|registry\.yarnpkg\.com|pypi\.org\/simple|rubygems\.org|crates\.io|proxy\.golang\.org/;

/**
 * Dependencies and package indexes from outside the usual registry: the
 * route of dependency confusion (torchtriton, 2022) and of forks carrying
 * payloads. package.json git/URL/tarball/shorthand dependencies, pip extra
 * indexes and URL requirements, `.npmrc`/`.yarnrc`/`pip.conf` registry
 * overrides, Gemfile sources, Cargo git dependencies and `go.mod` replaces.
 */
export const dependencySourcesDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    if (file.binary) continue;
    const name = file.path.split("/").pop() ?? file.path;
    for (const l of file.lines) {
      if (l.kind !== "add") continue;
      const text = l.text;
      let why: string | null = null;
      if (name === "package.json") {
        const m = /^\s*"([^"]+)"\s*:\s*"([^"]*)"/.exec(text);
        if (
          m &&
          !packageMetadata.has(m[1] as string) &&
          !/\s/.test(m[2] as string) &&
          offRegistrySpec.test(m[2] as string) &&
          !/^[.]/.test(m[2] as string)
        )
          why = `the dependency ${m[1]} comes from ${(m[2] as string).slice(0, 60)}, not the registry`;
        else if (m && m[1] === "registry" && !defaultRegistries.test(m[2] as string))
          why = `the registry is set to ${(m[2] as string).slice(0, 60)}`;
      } else if (/^(requirements.*\.txt|constraints.*\.txt|.*\.in)$/.test(name) && pythonIndex.test(text) && !defaultRegistries.test(text))
        why = `pip is pointed at ${text.trim().slice(0, 60)}`;
      else if (
        /^(\.npmrc|\.yarnrc|\.yarnrc\.yml|pip\.conf|pip\.ini|\.pypirc|\.condarc|bunfig\.toml|\.bunfig\.toml)$/.test(name) &&
        /(registry|index-url|extra-index-url|npmRegistryServer|channels)\b/i.test(text) &&
        !defaultRegistries.test(text)
      )
        why = `the package index is overridden (${text.trim().slice(0, 60)})`;
      else if (
        name === "pyproject.toml" &&
        /^\s*(url|index-url|extra-index-url)\s*=\s*["']https?:/.test(text) &&
        !defaultRegistries.test(text)
      )
        why = `a package index is added (${text.trim().slice(0, 60)})`;
      else if (name === "go.mod" && /^\s*replace\b|=>\s*\S+\s+v/.test(text)) why = `go.mod replaces a module (${text.trim().slice(0, 60)})`;
      else if (
        /^(Gemfile|gems\.rb)$/.test(name) &&
        (/^\s*source\s+["'](?!https:\/\/rubygems\.org)/.test(text) || /\b(git|github)\s*:/.test(text))
      )
        why = `a gem comes from ${text.trim().slice(0, 60)}`;
      else if (name === "Cargo.toml" && /\bgit\s*=\s*["']|^\s*registry\s*=|^\s*\[patch\./.test(text))
        why = `a crate comes from outside crates.io (${text.trim().slice(0, 60)})`;
      if (why)
        out.violations.push(
          violation(
            "supply-chain.dependency-source",
            `Flagged: ${file.path}:${l.newLine ?? 1}: ${why}; a human checks where dependencies come from.`,
            { path: file.path, line: l.newLine ?? 1, evidence: text },
          ),
        );
    }
  }
};
