import { describe, expect, it } from "vitest";
import { compilePattern } from "../../src/codeowners/pattern.js";
import { ownersOf, parseCodeowners } from "../../src/codeowners/parse-codeowners.js";
import { missingPaths, ownedPaths } from "../../src/codeowners/coverage.js";

/** The example file of GitHub's "About code owners" page, verbatim in its patterns and owners. */
const GITHUB_EXAMPLE = `# This is a comment.
# Each line is a file pattern followed by one or more owners.

# These owners will be the default owners for everything in
# the repo. Unless a later match takes precedence,
# @global-owner1 and @global-owner2 will be requested for
# review when someone opens a pull request.
*       @global-owner1 @global-owner2

# Order is important; the last matching pattern takes the most
# precedence. When someone opens a pull request that only
# modifies JS files, only @js-owner and not the global
# owner(s) will be requested for a review.
*.js    @js-owner #This is an inline comment.

# You can also use email addresses if you prefer. They'll be
# used to look up users just like we do for commit author
# emails.
*.go docs@example.com

# Teams can be specified as code owners as well. Teams should
# be identified in the format @org/team-name. Teams must have
# explicit write access to the repository. In this example,
# the octocats team in the octo-org organization owns all .txt files.
*.txt @octo-org/octocats

# In this example, @doctocat owns any files in the build/logs
# directory at the root of the repository and any of its
# subdirectories.
/build/logs/ @doctocat

# The \`docs/*\` pattern will match files like
# \`docs/getting-started.md\` but not further nested files like
# \`docs/build-app/troubleshooting.md\`.
docs/*  docs@example.com

# In this example, @octocat owns any file in an apps directory
# anywhere in your repository.
apps/ @octocat

# In this example, @doctocat owns any file in the \`/docs\`
# directory in the root of your repository and any of its
# subdirectories.
/docs/ @doctocat

# In this example, any change inside the \`/scripts\` directory
# will require approval from @doctocat or @octocat.
/scripts/ @doctocat @octocat

# In this example, @octocat owns any file in a \`/logs\` directory such as
# \`/build/logs\`, \`/scripts/logs\`, and \`/deeply/nested/logs\`. Any changes
# in a \`/logs\` directory will require approval from @octocat.
**/logs @octocat

# In this example, @octocat owns any file in the \`/apps\`
# directory in the root of your repository except for the \`/apps/github\`
# subdirectory, as its owners are left empty. Without an owner, changes
# to \`apps/github\` can be made with the approval of any user who has
# write access to the repository.
/apps/ @octocat
/apps/github
`;

const names = (path: string) =>
  ownersOf(parseCodeowners(GITHUB_EXAMPLE), path).owners.map((o) =>
    o.kind === "user" ? `@${o.login}` : o.kind === "team" ? `@${o.org}/${o.slug}` : o.email,
  );

describe("CODEOWNERS: GitHub's documented example, the last matching line wins", () => {
  it.each([
    ["README.md", ["@global-owner1", "@global-owner2"]],
    ["some/deeply/nested/file.rb", ["@global-owner1", "@global-owner2"]],
    ["src/index.js", ["@js-owner"]],
    ["cmd/main.go", ["docs@example.com"]],
    ["notes/todo.txt", ["@octo-org/octocats"]],
    ["build/logs/today.log", ["@octocat"]], // `/build/logs/` matches, then `**/logs` (later) wins
    ["build/logs/old/2020.gz", ["@octocat"]],
    ["docs/getting-started.md", ["@doctocat"]], // `docs/*` matches, then `/docs/` wins
    ["docs/build-app/troubleshooting.md", ["@doctocat"]], // only `/docs/`: `docs/*` does not reach nested files
    ["web/apps/main.ts", ["@octocat"]], // `apps/` anywhere
    ["apps/main.ts", ["@octocat"]], // `/apps/`
    ["apps/github/handler.ts", []], // `/apps/github`: no owners, un-owned
    ["scripts/deploy.sh", ["@doctocat", "@octocat"]],
    ["deeply/nested/logs/x.txt", ["@octocat"]],
    ["scripts/logs", ["@octocat"]],
  ])("%s → %j", (path, owners) => {
    expect(names(path)).toEqual(owners);
  });
});

describe("CODEOWNERS pattern rules", () => {
  it.each([
    // pattern, path, matches
    ["*", "a/b/c.txt", true],
    ["*.js", "deep/er/x.js", true],
    ["*.js", "x.jsx", false],
    ["docs/*", "docs/a.md", true],
    ["docs/*", "docs/sub/a.md", false],
    ["docs/*", "other/docs/a.md", false], // a `/` in the middle anchors at the root
    ["docs/", "other/docs/a.md", true], // a trailing `/` alone does not anchor
    ["/docs/", "other/docs/a.md", false],
    ["/docs/", "docs/a/b/c.md", true],
    ["docs", "docs/a/b.md", true], // names the directory: owns what is under it
    ["docs", "src/docs/a.md", true],
    ["docs", "docsite/a.md", false],
    ["src/**/test.ts", "src/test.ts", true],
    ["src/**/test.ts", "src/a/b/test.ts", true],
    ["src/**", "src/a/b.ts", true],
    ["src/**", "lib/src/a.ts", false],
    ["**/logs", "logs/a", true],
    ["a?c.md", "abc.md", true],
    ["a?c.md", "a/c.md", false],
    ["file[1].md", "file[1].md", true], // no character classes: brackets are literal
    ["file[1].md", "file1.md", false],
    ["a.b", "aXb", false], // `.` is literal
    ["/README.md", "README.md", true],
    ["/README.md", "docs/README.md", false],
  ] as const)("%s against %s → %s", (pattern, path, expected) => {
    const match = compilePattern(pattern);
    expect(match).not.toBeNull();
    expect(match!(path)).toBe(expected);
  });

  it("has no negation: a `!` line is noted and ignored, not an exception", () => {
    const parsed = parseCodeowners("* @a\n!docs/ @b\n");
    expect(parsed.rules.map((r) => r.pattern)).toEqual(["*"]);
    expect(parsed.notes).toEqual(["line 2: `!docs/` is not a pattern GitHub accepts (no `!` negation); the line is ignored."]);
    expect(ownersOf(parsed, "docs/x.md").owners).toEqual([{ kind: "user", login: "a" }]);
  });

  it("notes owners that are not owners, and keeps the rest of the line", () => {
    const parsed = parseCodeowners("src/ @alice not-an-owner @org/Team\n");
    expect(parsed.rules[0]?.owners).toEqual([
      { kind: "user", login: "alice" },
      { kind: "team", org: "org", slug: "team" },
    ]);
    expect(parsed.notes).toEqual(["line 1: `not-an-owner` is not an owner (`@user`, `@org/team` or an email); it is ignored."]);
  });

  it("requires owners only for paths whose last matching rule names a user or team, and adds up approvals", () => {
    const parsed = parseCodeowners("* @all\n/vendor/\n*.png art@example.com\n/src/ @dev @org/core\n");
    const { owned, notes } = ownedPaths(parsed, ["src/a.ts", "vendor/lib.js", "img/x.png", "README.md"]);
    expect(owned.map((o) => o.path)).toEqual(["src/a.ts", "README.md"]);
    expect(notes).toEqual(["`img/x.png`: email owners on CODEOWNERS line 3 are ignored (WAVE cannot tell which login an email is)."]);
    expect(missingPaths(owned, new Set(["src/a.ts"])).map((o) => o.path)).toEqual(["README.md"]);
    expect(missingPaths(owned, new Set(["src/a.ts", "README.md"]))).toEqual([]);
  });
});
