import nock from "nock";
import { APP_AUTHOR, GITHUB, type FakeComment } from "../../support/github-nock.js";

export type { FakeComment };

/**
 * A small stateful GitHub behind nock, for every repository at once: roles
 * and organisation owners as the test sets them, issue comments, labels and
 * reactions kept in memory so tests can read what the app wrote.
 */
export interface FakeGitHub {
  /** Repository role by login (any repository); a login not here gets a 404 (no role). */
  roles: Map<string, string>;
  /** Logins that are active admins of every organisation. */
  owners: Set<string>;
  /** Comments by "owner/repo#number". */
  comments: Map<string, FakeComment[]>;
  labels: Map<string, Set<string>>;
  /** Reactions by comment id, in the order they were added. */
  reactions: Map<number, string[]>;
  /** Comment ids whose reactions GitHub answers with 404 (the comment was deleted). */
  gone: Set<number>;
  /** `.github/wave.yml` text by "owner/repo" (the organisation's as "owner/.github"); a repository not here has none. */
  configs: Map<string, string>;
  /** Other files by "owner/repo@ref:path" (CODEOWNERS on a base branch). */
  files: Map<string, string>;
  /** Pull requests by "owner/repo#number": base branch, head commit, changed paths. */
  pulls: Map<string, { base: string; headSha: string; files: string[] }>;
  /** Active members by "org/team-slug". */
  teams: Map<string, Set<string>>;
  commentsOn(repo: string, number: number): FakeComment[];
  reset(): void;
}

export function fakeGitHub(): FakeGitHub {
  const fake: FakeGitHub = {
    roles: new Map(),
    owners: new Set(),
    comments: new Map(),
    labels: new Map(),
    reactions: new Map(),
    gone: new Set(),
    configs: new Map(),
    files: new Map(),
    pulls: new Map(),
    teams: new Map(),
    commentsOn: (repo, number) => fake.comments.get(`${repo}#${number}`) ?? [],
    reset: () => {
      fake.roles.clear();
      fake.owners.clear();
      fake.comments.clear();
      fake.labels.clear();
      fake.reactions.clear();
      fake.gone.clear();
      fake.configs.clear();
      fake.files.clear();
      fake.pulls.clear();
      fake.teams.clear();
    },
  };
  let nextId = 50_000;
  const issueKey = (uri: string) => {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)/.exec(uri);
    return m ? `${m[1]}/${m[2]}#${m[3]}` : "?";
  };
  const allComments = () => [...fake.comments.values()].flat();
  nock(GITHUB)
    .persist()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} })
    .get(/\/repos\/[^/]+\/[^/]+\/contents\/\.github(%2F|\/)wave\.yml/)
    .query(true)
    .reply((uri) => {
      const [, owner, repo] = /^\/repos\/([^/]+)\/([^/]+)\//.exec(uri) ?? [];
      const text = fake.configs.get(`${owner}/${repo}`);
      return text === undefined ? [404, { message: "Not Found" }] : [200, text, { "content-type": "text/plain; charset=utf-8" }];
    })
    .get(/\/repos\/[^/]+\/[^/]+\/contents\/(?!\.github(%2F|\/)wave\.yml)/)
    .query(true)
    .reply((uri) => {
      const url = new URL(uri, GITHUB);
      const [, owner, repo, path] = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(url.pathname) ?? [];
      const text = fake.files.get(`${owner}/${repo}@${url.searchParams.get("ref") ?? ""}:${decodeURIComponent(path ?? "")}`);
      return text === undefined ? [404, { message: "Not Found" }] : [200, text, { "content-type": "text/plain; charset=utf-8" }];
    })
    .get(/\/repos\/[^/]+\/[^/]+\/pulls\/\d+(\/files)?(\?.*)?$/)
    .reply((uri) => {
      const url = new URL(uri, GITHUB);
      const [, owner, repo, number, files] = /^\/repos\/([^/]+)\/([^/]+)\/pulls\/(\d+)(\/files)?$/.exec(url.pathname) ?? [];
      const pull = fake.pulls.get(`${owner}/${repo}#${number}`);
      if (!pull) return [404, { message: "Not Found" }];
      if (!files) return [200, { number: Number(number), base: { ref: pull.base }, head: { sha: pull.headSha } }];
      const page = Number(url.searchParams.get("page") ?? "1");
      const per = Number(url.searchParams.get("per_page") ?? "30");
      return [200, pull.files.slice((page - 1) * per, page * per).map((filename) => ({ filename, status: "modified" }))];
    })
    .get(/\/orgs\/[^/]+\/teams\/[^/]+\/memberships\/[^/]+/)
    .reply((uri) => {
      const [, org, team, login] = /^\/orgs\/([^/]+)\/teams\/([^/]+)\/memberships\/([^/?]+)/.exec(uri) ?? [];
      const members = fake.teams.get(`${org}/${team}`);
      return members?.has(decodeURIComponent(login ?? "")) ? [200, { state: "active", role: "member" }] : [404, { message: "Not Found" }];
    })
    .get(/\/repos\/[^/]+\/[^/]+\/collaborators\/[^/]+\/permission/)
    .reply((uri) => {
      const login = decodeURIComponent(uri.split("/").at(-2) ?? "");
      const role = fake.roles.get(login);
      return role
        ? [200, { permission: role === "maintain" ? "write" : role === "triage" ? "read" : role, role_name: role, user: { login } }]
        : [404, { message: "Not Found" }];
    })
    .get(/\/orgs\/[^/]+\/memberships\/[^/]+/)
    .reply((uri) => {
      const login = decodeURIComponent(uri.split("/").pop() ?? "");
      if (fake.owners.has(login)) return [200, { state: "active", role: "admin" }];
      if (fake.roles.has(login)) return [200, { state: "active", role: "member" }];
      return [404, { message: "Not Found" }];
    })
    .get(/\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments/)
    .reply((uri) => [200, fake.comments.get(issueKey(uri)) ?? []])
    .post(/\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments/)
    .reply((uri, body) => {
      const key = issueKey(uri);
      // Written with the app's installation token: GitHub names the app as its author.
      const comment = { id: nextId++, body: (body as { body: string }).body, ...APP_AUTHOR };
      fake.comments.set(key, [...(fake.comments.get(key) ?? []), comment]);
      return [201, comment];
    })
    .patch(/\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/)
    .reply((uri, body) => {
      const comment = allComments().find((c) => c.id === Number(uri.split("/").pop()));
      if (!comment) return [404, { message: "Not Found" }];
      comment.body = (body as { body: string }).body;
      return [200, comment];
    })
    .post(/\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+\/reactions/)
    .reply((uri, body) => {
      const id = Number(uri.split("/").at(-2));
      if (fake.gone.has(id)) return [404, { message: "Not Found" }];
      const content = (body as { content: string }).content;
      const list = fake.reactions.get(id) ?? [];
      const existed = list.includes(content);
      if (!existed) fake.reactions.set(id, [...list, content]);
      return [existed ? 200 : 201, { id: 1, content }];
    })
    .post(/\/repos\/[^/]+\/[^/]+\/issues\/\d+\/labels/)
    .reply((uri, body) => {
      const key = issueKey(uri);
      const set = fake.labels.get(key) ?? new Set<string>();
      for (const label of (body as { labels: string[] }).labels) set.add(label);
      fake.labels.set(key, set);
      return [200, [...set].map((name) => ({ name }))];
    })
    .delete(/\/repos\/[^/]+\/[^/]+\/issues\/\d+\/labels\/.+/)
    .reply((uri) => {
      fake.labels.get(issueKey(uri))?.delete(decodeURIComponent(uri.split("/").pop() ?? ""));
      return [200, []];
    });
  return fake;
}
