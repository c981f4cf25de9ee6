import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { documentedRoute } from "./github-rest-routes.js";
import type { GitRepoFake } from "./fake-git-repo.js";
import { APP_AUTHOR, type FakeComment } from "./fake-comment.js";

/**
 * A small stateful stand-in for GitHub's REST API on loopback, for tests that
 * run the app as a separate process (where nock cannot reach) and for the
 * webhook benchmark. The app reaches it through GHE_HOST / GHE_PROTOCOL, i.e.
 * under `/api/v3`. It answers the calls intake and the status comment make.
 */
export interface FakeGitHub {
  url: string;
  /** `GHE_HOST` value for the app. */
  host: string;
  requests: { method: string; path: string; body: unknown }[];
  /** Requests that match no route of GitHub's published REST API description (answered 400). */
  undocumented: string[];
  /** Each issue's comments; WAVE's carry `APP_AUTHOR`, a test may add a person's. */
  comments: Map<string, FakeComment[]>;
  labels: Map<string, Set<string>>;
  /** Routes ("POST /repos/o/r/issues/1/comments") whose requests are taken in but never answered. */
  hang: Set<string>;
  /** Role by login for the permission endpoint; default admin. */
  roles: Map<string, string>;
  /** `.github/wave.yml` by "owner/repo"; absent means 404. */
  configs: Map<string, string>;
  /**
   * Repositories by "owner/repo": default branch, its head commit and that commit's tarball, as
   * bytes (sent with their length) or as a stream made per request (sent chunked, no length, as
   * GitHub's codeload often does).
   */
  repos: Map<string, { branch: string; sha: string; tarball: Buffer | (() => Readable) }>;
  /** The installation's repositories (GET /installation/repositories, and the GraphQL label calls), by "owner/repo". */
  installationRepos: Map<string, { id: number; name: string; full_name: string; node_id: string; archived: boolean }>;
  /** The app's installations (GET /app/installations). */
  appInstallations: { id: number; account: { login: string }; repository_selection: string; suspended_at: string | null }[];
  /** Repository labels by "owner/repo", as created through GraphQL `createLabel`. */
  repoLabels: Map<string, Map<string, { color: string; description: string }>>;
  /** Every `createLabel` GitHub carried out or refused as a duplicate, in order ("owner/repo:name"). */
  labelCreations: string[];
  /** Answers of 403 "secondary rate limit" given because a content limit was exceeded. */
  secondaryLimited: number;
  /**
   * GitHub's OAuth web flow: `/login/oauth/authorize` signs in as `signInAs` at once (the person
   * clicking "Authorize"), `/login/oauth/access_token` swaps the code for a user token.
   */
  oauth: { clientId: string; clientSecret: string; signInAs: string | null; tokens: Map<string, string> };
  /** What `GET /user/installations` (and their repositories) answer, per login. */
  userInstallations: Map<
    string,
    { id: number; account: { login: string; type: "User" | "Organization" }; repositories: { id: number; name: string }[] }[]
  >;
  /** GitHub's failures, decided per request: refused outright, or applied and then answered badly. */
  fault: ((request: { method: string; path: string }) => GitHubFault | undefined) | undefined;
  /** Every fault answered, "STATUS METHOD /path" ("applied+502 POST /…" for applied ones). */
  faulted: string[];
  /** `repository_dispatch` events created (POST /repos/{o}/{r}/dispatches), in order. */
  dispatches: { repository: string; event_type: string; client_payload: Record<string, unknown> }[];
  /** Called for each dispatch after it is recorded, as GitHub would start the workflow runs it triggers. */
  onDispatch: ((dispatch: { repository: string; event_type: string; client_payload: Record<string, unknown> }) => void) | undefined;
  close(): Promise<void>;
}

/** GitHub's secondary limit on content-creating requests: at most `max` in any `windowMs`. */
export interface ContentLimit {
  max: number;
  windowMs: number;
}

/** POST/PATCH/PUT/DELETE and GraphQL mutations create content; token requests do not. */
function createsContent(method: string, path: string, body: unknown): boolean {
  if (path === "/graphql") return /^\s*mutation\b/.test(String((body as { query?: string } | undefined)?.query ?? ""));
  return method !== "GET" && method !== "HEAD" && !/^\/app\/installations\/\d+\/access_tokens$/.test(path);
}

/** One failure GitHub may give: an answer instead of the work, or the work done and a bad answer. */
export type GitHubFault =
  { kind: "refuse"; status: number; body: unknown; headers?: Record<string, string> } | { kind: "applied-then"; status: number };

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startFakeGitHub(options: { git?: GitRepoFake; contentLimits?: ContentLimit[] } = {}): Promise<FakeGitHub> {
  let nextId = 5000;
  const contentTimes: number[] = [];
  const fake: Omit<FakeGitHub, "url" | "host" | "close"> = {
    installationRepos: new Map(),
    appInstallations: [],
    repoLabels: new Map(),
    labelCreations: [],
    secondaryLimited: 0,
    requests: [],
    undocumented: [],
    comments: new Map(),
    labels: new Map(),
    hang: new Set(),
    roles: new Map(),
    configs: new Map(),
    repos: new Map(),
    oauth: { clientId: "Iv1.fakeclient", clientSecret: "fake-client-secret", signInAs: null, tokens: new Map() },
    userInstallations: new Map(),
    fault: undefined,
    faulted: [],
    dispatches: [],
    onDispatch: undefined,
  };
  const codes = new Map<string, string>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? "/", "http://x");
      // REST lives under /api/v3 on GitHub Enterprise Server (GHE_HOST), GraphQL at /api/graphql.
      const path = url.pathname.replace(/^\/api\/v3/, "").replace(/^\/api\/graphql$/, "/graphql");
      const method = req.method ?? "GET";
      fake.requests.push({ method, path, body });
      // OAuth lives on GitHub's web host, outside the REST description.
      if (path === "/login/oauth/authorize" && method === "GET") {
        const login = fake.oauth.signInAs;
        const redirect = url.searchParams.get("redirect_uri");
        if (!login || !redirect || url.searchParams.get("client_id") !== fake.oauth.clientId) {
          res.writeHead(403, { "content-type": "text/plain" });
          return res.end("fake GitHub: nobody to sign in, or wrong client id");
        }
        const code = `code_${nextId++}`;
        codes.set(code, login);
        const target = new URL(redirect);
        target.searchParams.set("code", code);
        const state = url.searchParams.get("state");
        if (state) target.searchParams.set("state", state);
        res.writeHead(302, { location: target.toString() });
        return res.end();
      }
      if (path === "/login/oauth/access_token" && method === "POST") {
        const b = (typeof body === "string" ? Object.fromEntries(new URLSearchParams(body)) : (body ?? {})) as Record<string, string>;
        const login = codes.get(b.code ?? "");
        if (b.client_id !== fake.oauth.clientId || b.client_secret !== fake.oauth.clientSecret || !login) {
          return json(res, 200, { error: "bad_verification_code", error_description: "The code passed is incorrect or expired." });
        }
        codes.delete(b.code ?? "");
        const token = `ghu_fake_${nextId++}`;
        fake.oauth.tokens.set(token, login);
        return json(res, 200, { access_token: token, token_type: "bearer", scope: "" });
      }
      if (!documentedRoute(method, path)) {
        fake.undocumented.push(`${method} ${path}`);
        return json(res, 400, { message: `${method} ${path} is not in GitHub's REST API description` });
      }
      // The installation token is the app's own business; faults are for the API it then calls.
      const fault = path.endsWith("/access_tokens") ? undefined : fake.fault?.({ method, path });
      if (fault?.kind === "refuse") {
        fake.faulted.push(`${fault.status} ${method} ${path}`);
        res.writeHead(fault.status, { "content-type": "application/json; charset=utf-8", ...fault.headers });
        return res.end(JSON.stringify(fault.body));
      }
      if (fault?.kind === "applied-then") {
        // The write is done below; whatever it answers, the app hears a gateway error.
        fake.faulted.push(`applied+${fault.status} ${method} ${path}`);
        const end = res.end.bind(res);
        res.writeHead = (() => res) as unknown as typeof res.writeHead;
        res.end = (() => {
          res.statusCode = fault.status;
          res.setHeader("content-type", "application/json; charset=utf-8");
          return end(JSON.stringify({ message: "Bad Gateway" }));
        }) as unknown as typeof res.end;
      }
      if (options.contentLimits && createsContent(method, path, body)) {
        const now = Date.now();
        if (options.contentLimits.some((l) => contentTimes.filter((t) => t > now - l.windowMs).length >= l.max)) {
          fake.secondaryLimited++;
          res.writeHead(403, { "content-type": "application/json; charset=utf-8", "retry-after": "60" });
          return res.end(
            JSON.stringify({
              message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
              documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
            }),
          );
        }
        contentTimes.push(now);
      }
      const query = String((body as { query?: string } | undefined)?.query ?? "");
      if (path === "/graphql" && (/isArchived/.test(query) || /createLabel/.test(query)))
        return json(res, 200, labelGraphql(fake, query, (body as { variables?: Record<string, string> }).variables ?? {}));
      let m: RegExpMatchArray | null;
      if (path === "/app/installations" && method === "GET") {
        const page = Number(url.searchParams.get("page") ?? 1);
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        return json(res, 200, fake.appInstallations.slice((page - 1) * perPage, page * perPage));
      }
      if (path === "/installation/repositories" && method === "GET") {
        const page = Number(url.searchParams.get("page") ?? 1);
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const all = [...fake.installationRepos.values()].map((r) => ({ ...r, owner: { login: r.full_name.split("/")[0] } }));
        return json(res, 200, { total_count: all.length, repositories: all.slice((page - 1) * perPage, page * perPage) });
      }
      if (path === "/user" || path.startsWith("/user/installations")) {
        const token = String(req.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "");
        const login = fake.oauth.tokens.get(token);
        if (!login) return json(res, 401, { message: "Bad credentials" });
        if (path === "/user") return json(res, 200, { login, id: 1000 + login.length, type: "User" });
        const installations = fake.userInstallations.get(login) ?? [];
        if (path === "/user/installations")
          return json(res, 200, {
            total_count: installations.length,
            installations: installations.map((i) => ({ id: i.id, account: i.account })),
          });
        if ((m = path.match(/^\/user\/installations\/(\d+)\/repositories$/))) {
          const inst = installations.find((i) => i.id === Number(m?.[1]));
          if (!inst) return json(res, 404, { message: "Not Found" });
          const repositories = inst.repositories.map((r) => ({
            id: r.id,
            name: r.name,
            full_name: `${inst.account.login}/${r.name}`,
            owner: inst.account,
            private: false,
          }));
          return json(res, 200, { total_count: repositories.length, repositories });
        }
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/)) && method === "POST") {
        const key = `${m[1]}/${m[2]}#${m[3]}`;
        const list = fake.comments.get(key) ?? [];
        const comment = { id: nextId++, body: (body as { body: string }).body, ...APP_AUTHOR };
        list.push(comment);
        fake.comments.set(key, list);
        if (fake.hang.has(`POST ${path}`)) return; // created on GitHub's side, but the answer never arrives
        return json(res, 201, comment);
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/)) && method === "GET") {
        return json(res, 200, fake.comments.get(`${m[1]}/${m[2]}#${m[3]}`) ?? []);
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/)) && method === "PATCH") {
        for (const list of fake.comments.values()) {
          const c = list.find((x) => x.id === Number(m?.[3]));
          if (c) {
            c.body = (body as { body: string }).body;
            return json(res, 200, c);
          }
        }
        return json(res, 404, { message: "Not Found" });
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels$/)) && method === "POST") {
        const key = `${m[1]}/${m[2]}#${m[3]}`;
        const set = fake.labels.get(key) ?? new Set<string>();
        for (const l of (body as { labels: string[] }).labels) set.add(l);
        fake.labels.set(key, set);
        return json(
          res,
          200,
          [...set].map((name) => ({ name })),
        );
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/labels\/(.+)$/)) && method === "DELETE") {
        fake.labels.get(`${m[1]}/${m[2]}#${m[3]}`)?.delete(decodeURIComponent(m[4] ?? ""));
        return json(res, 200, []);
      }
      if ((m = path.match(/^\/app\/installations\/(\d+)\/access_tokens$/)) && method === "POST") {
        return json(res, 201, { token: `ghs_fake_${m[1]}`, expires_at: new Date(Date.now() + 3600_000).toISOString(), permissions: {} });
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/))) {
        const config = decodeURIComponent(m[3] ?? "") === ".github/wave.yml" ? fake.configs.get(`${m[1]}/${m[2]}`) : undefined;
        if (config === undefined) return json(res, 404, { message: "Not Found" });
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
        return res.end(config);
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)$/)) && method === "GET") {
        const r = fake.repos.get(`${m[1]}/${m[2]}`);
        if (!r) return json(res, 404, { message: "Not Found" });
        return json(res, 200, { id: 1, name: m[2], full_name: `${m[1]}/${m[2]}`, default_branch: r.branch, owner: { login: m[1] } });
      }
      if (!options.git && (m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/git\/ref\/heads(?:%2F|\/)(.+)$/)) && method === "GET") {
        const r = fake.repos.get(`${m[1]}/${m[2]}`);
        if (!r || r.branch !== m[3]) return json(res, 404, { message: "Not Found" });
        return json(res, 200, { ref: `refs/heads/${r.branch}`, object: { sha: r.sha, type: "commit" } });
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/tarball\/(.+)$/)) && method === "GET") {
        const r = fake.repos.get(`${m[1]}/${m[2]}`);
        // Any other commit of the stateful repository comes as GitHub would make it, from its files.
        const made = r && r.sha !== m[3] && options.git ? await options.git.tarball(m[3] ?? "") : undefined;
        if (made) {
          res.writeHead(200, { "content-type": "application/x-gzip", "content-length": String(made.length) });
          return res.end(made);
        }
        if (!r || r.sha !== m[3]) return json(res, 404, { message: "Not Found" });
        if (Buffer.isBuffer(r.tarball)) {
          res.writeHead(200, { "content-type": "application/x-gzip", "content-length": String(r.tarball.length) });
          return res.end(r.tarball);
        }
        res.writeHead(200, { "content-type": "application/x-gzip" });
        return r
          .tarball()
          .on("error", () => res.destroy())
          .pipe(res);
      }
      if ((m = path.match(/^\/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission$/))) {
        const role = fake.roles.get(m[1] ?? "") ?? "admin";
        return json(res, 200, { permission: role, role_name: role, user: { login: m[1] } });
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/dispatches$/)) && method === "POST") {
        const d = body as { event_type: string; client_payload?: Record<string, unknown> };
        const dispatch = { repository: `${m[1]}/${m[2]}`, event_type: d.event_type, client_payload: d.client_payload ?? {} };
        fake.dispatches.push(dispatch);
        res.writeHead(204).end();
        fake.onDispatch?.(dispatch);
        return;
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/)) && method === "POST") {
        return json(res, 201, { id: nextId++, content: (body as { content: string }).content });
      }
      if (options.git) {
        // Git Data, pulls, compare, check runs, reviews and GraphQL: the stateful repository fake.
        const [status, answer, headers] = options.git.handle(method, `${path}${url.search}`, body, String(req.headers.accept ?? ""));
        res.writeHead(status, {
          "content-type": typeof answer === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
          ...headers,
        });
        return res.end(typeof answer === "string" ? answer : JSON.stringify(answer));
      }
      return json(res, 404, { message: `fake GitHub does not know ${method} ${path}` });
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  // The same object the server reads, so a test can set `fault` after the start.
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}

/**
 * GitHub's GraphQL answers for the two label calls onboarding makes: the read (repository
 * id, `isArchived`, `label(name:)` aliases) and aliased `createLabel` mutations, where a
 * name already taken is an UNPROCESSABLE error on its alias and the others go through.
 */
function labelGraphql(fake: Omit<FakeGitHub, "url" | "host" | "close">, query: string, variables: Record<string, string>): unknown {
  const byNodeId = (id: string) => [...fake.installationRepos.entries()].find(([, r]) => r.node_id === id)?.[0];
  if (/^\s*mutation\b/.test(query)) {
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (const m of query.matchAll(
      /(\w+): createLabel\(input: \{ repositoryId: \$(\w+), name: \$(\w+), color: \$(\w+), description: \$(\w+) \}\)/g,
    )) {
      const [, alias = "", repoVar = "", nameVar = "", colorVar = "", descVar = ""] = m;
      const key = byNodeId(variables[repoVar] ?? "");
      if (!key) {
        data[alias] = null;
        errors.push({ type: "NOT_FOUND", path: [alias], message: "Could not resolve to a node" });
        continue;
      }
      const labels = fake.repoLabels.get(key) ?? new Map<string, { color: string; description: string }>();
      fake.repoLabels.set(key, labels);
      const name = variables[nameVar] ?? "";
      fake.labelCreations.push(`${key}:${name}`);
      if ([...labels.keys()].some((l) => l.toLowerCase() === name.toLowerCase())) {
        data[alias] = null;
        errors.push({ type: "UNPROCESSABLE", path: [alias], message: "Name has already been taken" });
        continue;
      }
      labels.set(name, { color: variables[colorVar] ?? "", description: variables[descVar] ?? "" });
      data[alias] = { label: { name } };
    }
    return errors.length ? { data, errors } : { data };
  }
  const key = `${variables.owner}/${variables.name}`;
  const repo = fake.installationRepos.get(key);
  if (!repo)
    return {
      data: { repository: null },
      errors: [{ type: "NOT_FOUND", path: ["repository"], message: `Could not resolve to a Repository with the name '${key}'.` }],
    };
  const labels = fake.repoLabels.get(key) ?? new Map();
  const answer: Record<string, unknown> = { id: repo.node_id, isArchived: repo.archived };
  for (const m of query.matchAll(/(\w+): label\(name: \$(\w+)\)/g)) {
    const wanted = (variables[m[2] ?? ""] ?? "").toLowerCase();
    const hit = [...labels.keys()].find((l: string) => l.toLowerCase() === wanted);
    answer[m[1] ?? ""] = hit ? { name: hit } : null;
  }
  return { data: { repository: answer } };
}
