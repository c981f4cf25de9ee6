import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { documentedRoute } from "./github-rest-routes.js";
import type { GitRepoFake } from "./fake-git-repo.js";

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
  comments: Map<string, { id: number; body: string }[]>;
  labels: Map<string, Set<string>>;
  /** Routes ("POST /repos/o/r/issues/1/comments") whose requests are taken in but never answered. */
  hang: Set<string>;
  /** Role by login for the permission endpoint; default admin. */
  roles: Map<string, string>;
  /** `.github/wave.yml` by "owner/repo"; absent means 404. */
  configs: Map<string, string>;
  /** Repositories by "owner/repo": default branch, its head commit and that commit's tarball. */
  repos: Map<string, { branch: string; sha: string; tarball: Buffer }>;
  /**
   * GitHub's OAuth web flow: `/login/oauth/authorize` signs in as `signInAs` at once (the person
   * clicking "Authorize"), `/login/oauth/access_token` swaps the code for a user token.
   */
  oauth: { clientId: string; clientSecret: string; signInAs: string | null; tokens: Map<string, string> };
  /** What `GET /user/installations` (and their repositories) answer, per login. */
  userInstallations: Map<string, { id: number; account: { login: string; type: "User" | "Organization" }; repositories: { id: number; name: string }[] }[]>;
  /** GitHub's failures, decided per request: refused outright, or applied and then answered badly. */
  fault: ((request: { method: string; path: string }) => GitHubFault | undefined) | undefined;
  /** Every fault answered, "STATUS METHOD /path" ("applied+502 POST /…" for applied ones). */
  faulted: string[];
  close(): Promise<void>;
}

/** One failure GitHub may give: an answer instead of the work, or the work done and a bad answer. */
export type GitHubFault =
  | { kind: "refuse"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "applied-then"; status: number };

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

export async function startFakeGitHub(options: { git?: GitRepoFake } = {}): Promise<FakeGitHub> {
  let nextId = 5000;
  const fake: Omit<FakeGitHub, "url" | "host" | "close"> = {
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
        res.writeHead = ((() => res) as unknown) as typeof res.writeHead;
        res.end = ((() => {
          res.statusCode = fault.status;
          res.setHeader("content-type", "application/json; charset=utf-8");
          return end(JSON.stringify({ message: "Bad Gateway" }));
        }) as unknown) as typeof res.end;
      }
      let m: RegExpMatchArray | null;
      if (path === "/user" || path.startsWith("/user/installations")) {
        const token = String(req.headers.authorization ?? "").replace(/^(token|bearer)\s+/i, "");
        const login = fake.oauth.tokens.get(token);
        if (!login) return json(res, 401, { message: "Bad credentials" });
        if (path === "/user") return json(res, 200, { login, id: 1000 + login.length, type: "User" });
        const installations = fake.userInstallations.get(login) ?? [];
        if (path === "/user/installations") return json(res, 200, { total_count: installations.length, installations: installations.map((i) => ({ id: i.id, account: i.account })) });
        if ((m = path.match(/^\/user\/installations\/(\d+)\/repositories$/))) {
          const inst = installations.find((i) => i.id === Number(m?.[1]));
          if (!inst) return json(res, 404, { message: "Not Found" });
          const repositories = inst.repositories.map((r) => ({ id: r.id, name: r.name, full_name: `${inst.account.login}/${r.name}`, owner: inst.account, private: false }));
          return json(res, 200, { total_count: repositories.length, repositories });
        }
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/)) && method === "POST") {
        const key = `${m[1]}/${m[2]}#${m[3]}`;
        const list = fake.comments.get(key) ?? [];
        const comment = { id: nextId++, body: (body as { body: string }).body };
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
        return json(res, 200, [...set].map((name) => ({ name })));
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
        if (!r || r.sha !== m[3]) return json(res, 404, { message: "Not Found" });
        res.writeHead(200, { "content-type": "application/x-gzip" });
        return res.end(r.tarball);
      }
      if ((m = path.match(/^\/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission$/))) {
        const role = fake.roles.get(m[1] ?? "") ?? "admin";
        return json(res, 200, { permission: role, role_name: role, user: { login: m[1] } });
      }
      if ((m = path.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)\/reactions$/)) && method === "POST") {
        return json(res, 201, { id: nextId++, content: (body as { content: string }).content });
      }
      if (options.git) {
        // Git Data, pulls, compare, check runs, reviews and GraphQL: the stateful repository fake.
        const [status, answer, headers] = options.git.handle(method, `${path}${url.search}`, body, String(req.headers.accept ?? ""));
        res.writeHead(status, { "content-type": typeof answer === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8", ...headers });
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
