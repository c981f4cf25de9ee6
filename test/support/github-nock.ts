import nock from "nock";

export const GITHUB = "https://api.github.com";

/** Every request the app made to GitHub, as "METHOD /path", in order. */
export interface RequestLog {
  requests: string[];
  stop(): void;
}

export function recordGitHubRequests(): RequestLog {
  const requests: string[] = [];
  const listener = (req: { method?: string; path?: string; options?: { method?: string; path?: string } }) => {
    const method = req.method ?? req.options?.method ?? "?";
    const path = req.path ?? req.options?.path ?? "?";
    requests.push(`${method} ${path.split("?")[0]}`);
  };
  nock.emitter.on("no match", () => undefined);
  const scopeListener = (_: unknown, req: { method: string; path: string }) => listener(req);
  nock.emitter.on("request", scopeListener as never);
  return { requests, stop: () => nock.emitter.removeListener("request", scopeListener as never) };
}

const configPath = /\/contents\/\.github(%2F|\/)wave\.yml/;

/**
 * The GitHub every intake needs: an installation token, and `.github/wave.yml`
 * as given (404 when null, in the repository and in the owner's `.github`).
 */
export function nockInstallation(owner: string, repo: string, options: { config?: string | null; role?: string } = {}): nock.Scope {
  const scope = nock(GITHUB)
    .persist()
    .post(/\/app\/installations\/\d+\/access_tokens/)
    .reply(201, { token: "ghs_test", expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} });
  scope
    .get((uri) => uri.startsWith(`/repos/${owner}/${repo}/contents/`) && configPath.test(uri))
    .reply(() => (options.config == null ? [404, { message: "Not Found" }] : [200, options.config, { "content-type": "text/plain; charset=utf-8" }]));
  scope.get((uri) => uri.startsWith(`/repos/${owner}/.github/contents/`) && configPath.test(uri)).reply(404, { message: "Not Found" });
  scope
    .get(new RegExp(`/repos/${owner}/${repo}/collaborators/[^/]+/permission`))
    .reply(200, { permission: options.role ?? "admin", role_name: options.role ?? "admin", user: null });
  return scope;
}
