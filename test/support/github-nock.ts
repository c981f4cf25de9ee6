import nock from "nock";
import { documentedRoute } from "./github-rest-routes.js";
import { APP_AUTHOR, type FakeComment } from "./fake-comment.js";
export { APP_AUTHOR, type FakeComment } from "./fake-comment.js";

export const GITHUB = "https://api.github.com";

const seen: { method: string; path: string }[] = [];

/** A persistent nock scope for GitHub whose every answered request is remembered for `watchUndocumentedRequests`. */
export function githubScope(): nock.Scope {
  const scope = nock(GITHUB).persist();
  scope.on("request", (req: { method?: string; path?: string }) => seen.push({ method: req.method ?? "GET", path: req.path ?? "" }));
  return scope;
}

/**
 * Collects every request made to nocked GitHub (scopes from `githubScope()`,
 * and requests no interceptor matched) that matches no route of GitHub's
 * published REST API description; a test asserts the list is empty.
 */
export function watchUndocumentedRequests(): { undocumented: string[]; stop(): void } {
  const from = seen.length;
  const unmatched: { method: string; path: string }[] = [];
  const listener = (req: {
    method?: string;
    path?: string;
    hostname?: string;
    host?: string;
    options?: { hostname?: string; host?: string };
  }) => {
    const host = req.hostname ?? req.host ?? req.options?.hostname ?? req.options?.host ?? "";
    if (host.includes("api.github.com")) unmatched.push({ method: req.method ?? "GET", path: req.path ?? "" });
  };
  nock.emitter.on("no match", listener as never);
  const result = {
    get undocumented() {
      return [...seen.slice(from), ...unmatched].filter((r) => !documentedRoute(r.method, r.path)).map((r) => `${r.method} ${r.path}`);
    },
    stop: () => void nock.emitter.removeListener("no match", listener as never),
  };
  return result;
}

const configPath = /\/contents\/\.github(%2F|\/)wave\.yml/;

/**
 * The GitHub every intake needs: an installation token, and `.github/wave.yml`
 * as given (404 when null, in the repository and in the owner's `.github`).
 */
export function nockInstallation(owner: string, repo: string, options: { config?: string | null; role?: string } = {}): nock.Scope {
  const scope = githubScope()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} });
  scope
    .get((uri) => uri.startsWith(`/repos/${owner}/${repo}/contents/`) && configPath.test(uri))
    .reply(() =>
      options.config == null ? [404, { message: "Not Found" }] : [200, options.config, { "content-type": "text/plain; charset=utf-8" }],
    );
  scope.get((uri) => uri.startsWith(`/repos/${owner}/.github/contents/`) && configPath.test(uri)).reply(404, { message: "Not Found" });
  scope
    .get(new RegExp(`/repos/${owner}/${repo}/collaborators/[^/]+/permission`))
    .reply(200, { permission: options.role ?? "admin", role_name: options.role ?? "admin", user: null });
  return scope;
}

/** GitHub's side of one issue, as the nocked endpoints changed it. */
export interface IssueState {
  comments: FakeComment[];
  labels: Set<string>;
}

/** The issue endpoints WAVE writes to (comments, labels), answered statefully. */
export function nockIssue(
  owner: string,
  repo: string,
  issueNumber: number,
  state: IssueState = { comments: [], labels: new Set() },
): IssueState {
  const issue = `/repos/${owner}/${repo}/issues/${issueNumber}`;
  githubScope()
    .get(`${issue}/comments`)
    .query(true)
    .reply(() => [200, state.comments])
    .post(`${issue}/comments`)
    .reply((_, body) => {
      const c = { id: 1000 + state.comments.length, body: (body as { body: string }).body, ...APP_AUTHOR };
      state.comments.push(c);
      return [201, c];
    })
    .patch(new RegExp(`/repos/${owner}/${repo}/issues/comments/\\d+`))
    .reply((uri, body) => {
      const id = Number(uri.split("/").pop());
      const c = state.comments.find((x) => x.id === id);
      if (!c) return [404, { message: "Not Found" }];
      c.body = (body as { body: string }).body;
      return [200, c];
    })
    .post(`${issue}/labels`)
    .reply((_, body) => {
      for (const l of (body as { labels: string[] }).labels) state.labels.add(l);
      return [200, [...state.labels].map((name) => ({ name }))];
    })
    .delete(new RegExp(`${issue}/labels/.+`))
    .reply((uri) => {
      state.labels.delete(decodeURIComponent(uri.split("/").pop() ?? ""));
      return [200, []];
    });
  return state;
}
