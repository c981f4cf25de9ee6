import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The GitHub port's boundary: every write to GitHub is made in `src/github/` (the port, the one
 * retry layer, find-before-create), so no other module may send one. Nothing is allow-listed: a
 * write found elsewhere fails this test, and the fix is to move it behind the port.
 */
const SRC = fileURLToPath(new URL("../../src", import.meta.url));
const PORT_DIR = "github/";

const WRITE_VERB = "(?:create|update|delete|add|remove|set|merge|lock|unlock|dismiss|submit|rerequest|mark|replace|edit)";
const patterns: { what: string; re: RegExp }[] = [
  // octokit.request("POST /repos/…"), across lines too, and the route kept in a constant.
  {
    what: "a REST write route",
    re: /["'`](?:POST|PATCH|PUT|DELETE) \/(?:repos|orgs|user|users|teams|gists|projects|notifications|installation|enterprises|markdown|graphql|app(?!\/installations\/\{installation_id\}\/access_tokens))\b/g,
  },
  // octokit.request({ method: "PATCH", url: … })
  { what: "a REST write by method", re: /method:\s*["'`](?:POST|PATCH|PUT|DELETE)["'`]/g },
  // octokit.rest.issues.createComment(…), octokit.issues.addLabels(…)
  { what: "an Octokit write method", re: new RegExp(`octokit\\w*(?:\\.rest)?\\.\\w+\\.${WRITE_VERB}\\w*\\s*\\(`, "gi") },
  // octokit.graphql(`mutation …`) or a mutation document sent through graphql
  { what: "a GraphQL mutation", re: /\bmutation\s*[({]/g },
];

/** The code without its comments: TSDoc may name a route (`POST /git/trees`) without sending it. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Each write `source` makes, as "what: the matched text". */
export function octokitWrites(text: string): string[] {
  const source = withoutComments(text);
  const found: string[] = [];
  for (const { what, re } of patterns) {
    for (const m of source.matchAll(re)) found.push(`${what}: ${m[0]}`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|js|mjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("the GitHub port's boundary", () => {
  it("finds every shape of write it is meant to catch, and no read", () => {
    const writes = [
      `await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", { body });`,
      `await ctx.octokit.request(\n  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",\n  payload,\n);`,
      `const ROUTE = 'DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}';`,
      "await octokit.request(`PUT /repos/${o}/${r}/pulls/${n}/merge`);",
      `await octokit.request({ method: "POST", url: "/repos/o/r/issues/1/comments" });`,
      `await octokit.rest.issues.createComment({ owner, repo, issue_number, body });`,
      `await octokit.rest.checks.update({ owner, repo, check_run_id, output });`,
      `await this.octokit.issues.addLabels({ owner, repo, issue_number, labels });`,
      `await installationOctokit.rest.pulls.merge({ owner, repo, pull_number });`,
      "await octokit.graphql(`mutation($id: ID!) { markPullRequestReadyForReview(input: { pullRequestId: $id }) { clientMutationId } }`);",
      "const doc = `mutation { addComment(input: {}) { clientMutationId } }`;",
      `const route = "POST /graphql";`,
    ];
    for (const source of writes) expect(octokitWrites(source), source).not.toEqual([]);
    const reads = [
      `await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", { per_page: 100 });`,
      `await octokit.rest.repos.get({ owner, repo });`,
      `await octokit.rest.pulls.list({ owner, repo, head });`,
      "await octokit.graphql(`query { repository(owner: $o, name: $n) { id } }`);",
      `await octokit.config.get({ owner, repo, path });`,
      // Probot's token exchange is the app authenticating, not a write to a repository.
      `await octokit.request("POST /app/installations/{installation_id}/access_tokens");`,
      // The portal's own routes, and routes named in comments, are not requests to GitHub.
      `router.post("/wave/api/stories/:id/retry", handler); // POST /wave/api/stories/:id/retry`,
      "/** One entry of `POST /repos/{owner}/{repo}/git/trees`. */\nexport interface TreeEntry {}",
    ];
    for (const source of reads) expect(octokitWrites(source), source).toEqual([]);
  });

  it("no module outside src/github/ writes to GitHub", () => {
    const offenders = sourceFiles(SRC)
      .map((file) => ({ file: relative(SRC, file), writes: octokitWrites(readFileSync(file, "utf8")) }))
      .filter((f) => !f.file.startsWith(PORT_DIR) && f.writes.length > 0);
    expect(offenders).toEqual([]);
  });

  it("the port itself is where the writes are (the scan sees them)", () => {
    const inPort = sourceFiles(join(SRC, PORT_DIR)).flatMap((file) => octokitWrites(readFileSync(file, "utf8")));
    expect(inPort.length).toBeGreaterThan(10);
  });
});
