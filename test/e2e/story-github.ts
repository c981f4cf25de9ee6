import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import nock from "nock";
import { FakeGitHub, OWNER, REPO } from "../publish/fake-github.js";

const API = "https://api.github.com";

/** GitHub's side of the story's issue: the comments and labels WAVE wrote. */
export interface IssueState {
  comments: { id: number; body: string }[];
  labels: Set<string>;
}

export interface StoryGitHub {
  fake: FakeGitHub;
  /** The first issue's state (see `issueState` for others). */
  issue: IssueState;
  issueState(issueNumber: number): IssueState;
  baseSha: string;
  /** Every request WAVE made to GitHub, "METHOD /path", in order (counted by nock request listeners). */
  requests: string[];
  close(): void;
}

function filesOf(dir: string): Record<string, { content: Buffer }> {
  const out: Record<string, { content: Buffer }> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = { content: readFileSync(full) };
    }
  };
  walk(dir);
  return out;
}

/**
 * The whole of GitHub one story meets, behind nock: the installation token,
 * `.github/wave.yml`, the labeler's permission, the issue's comments and
 * labels, the repository and its tarball, and the stateful Git Data, pulls,
 * checks and reviews of `FakeGitHub`, whose base branch holds `repoDir`.
 * Every answered request is counted through the scopes' "request" events.
 */
export function storyGitHub(options: { issueNumber: number; config: string; repoDir: string; tarball: Buffer }): StoryGitHub {
  const requests: string[] = [];
  const issues = new Map<number, IssueState>();
  const issueState = (n: number): IssueState => {
    const found = issues.get(n) ?? { comments: [], labels: new Set<string>() };
    issues.set(n, found);
    return found;
  };
  const issue = issueState(options.issueNumber);
  const numberOf = (uri: string) => Number(/\/issues\/(\d+)\//.exec(uri)?.[1]);
  let commentIds = 1000;
  const repoPath = `/repos/${OWNER}/${REPO}`;
  const issuePath = `${repoPath}/issues/\\d+`;
  const scope = nock(API)
    .persist()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} })
    .get((uri) => uri.startsWith(`${repoPath}/contents/`) && /wave\.yml/.test(uri))
    .reply(200, options.config, { "content-type": "text/plain; charset=utf-8" })
    .get((uri) => uri.startsWith(`/repos/${OWNER}/.github/contents/`))
    .reply(404, { message: "Not Found" })
    .get(new RegExp(`${repoPath}/collaborators/[^/]+/permission`))
    .reply(200, { permission: "admin", role_name: "admin", user: null })
    .get(new RegExp(`${issuePath}/comments`))
    .query(true)
    .reply((uri) => [200, issueState(numberOf(uri)).comments])
    .post(new RegExp(`${issuePath}/comments$`))
    .reply((uri, body) => {
      const c = { id: commentIds++, body: (body as { body: string }).body };
      issueState(numberOf(uri)).comments.push(c);
      return [201, c];
    })
    .patch(new RegExp(`${repoPath}/issues/comments/\\d+`))
    .reply((uri, body) => {
      const c = [...issues.values()].flatMap((i) => i.comments).find((x) => x.id === Number(uri.split("/").pop()));
      if (!c) return [404, { message: "Not Found" }];
      c.body = (body as { body: string }).body;
      return [200, c];
    })
    .post(new RegExp(`${issuePath}/labels$`))
    .reply((uri, body) => {
      const state = issueState(numberOf(uri));
      for (const l of (body as { labels: string[] }).labels) state.labels.add(l);
      return [200, [...state.labels].map((name) => ({ name }))];
    })
    .delete(new RegExp(`${issuePath}/labels/.+`))
    .reply((uri) => {
      issueState(numberOf(uri)).labels.delete(decodeURIComponent(uri.split("/").pop() ?? ""));
      return [200, []];
    })
    .get(repoPath)
    .reply(200, { id: 1, name: REPO, full_name: `${OWNER}/${REPO}`, default_branch: "main", owner: { login: OWNER } })
    .get(new RegExp(`${repoPath}/tarball/[0-9a-f]{40}$`))
    .reply(200, options.tarball, { "content-type": "application/x-gzip" });
  // Registered after the specific answers above, so it only sees what they do not answer.
  const fake = new FakeGitHub();
  const baseSha = fake.commit(filesOf(options.repoDir));
  fake.refs.set("refs/heads/main", baseSha);
  const count = (req: { method?: string; path?: string }) => requests.push(`${req.method ?? "?"} ${(req.path ?? "?").split("?")[0]}`);
  for (const s of [scope, ...fake.scopes]) s.on("request", count);
  return { fake, issue, issueState, baseSha, requests, close: () => nock.cleanAll() };
}
