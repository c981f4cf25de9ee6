import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";

/** What one Actions job's token says (GitHub's claim names); the test sets what it needs, the rest is filled in. */
export type ActionsTokenClaims = Record<string, unknown> & {
  repository_id?: string;
  repository?: string;
  event_name?: string;
  workflow_ref?: string;
  job_workflow_ref?: string;
  run_id?: string;
};

/** How to sign a token: the issuer's published key, or a rogue key it never published (same kid or its own). */
export interface MintOptions {
  claims: ActionsTokenClaims;
  audience?: string;
  issuer?: string;
  /** Seconds from now; negative for an expired token. */
  expiresIn?: number;
  key?: "issuer" | "rogue-same-kid" | "rogue-unknown-kid";
}

/**
 * A local stand-in for `token.actions.githubusercontent.com`: an RS256 key pair (jose), its discovery
 * document and JWKS on loopback, and the job-side endpoint `@actions/core.getIDToken` calls
 * (`ACTIONS_ID_TOKEN_REQUEST_URL` with `&audience=`, bearer `ACTIONS_ID_TOKEN_REQUEST_TOKEN`), which
 * answers `{ value: <jwt> }` for a request token the test registered.
 */
export interface FakeOidcIssuer {
  issuer: string;
  /** Registers one job: its request token and URL for the action's environment, and what its token will say. */
  job(mint: Omit<MintOptions, "audience"> & { fixedToken?: string }): { requestUrl: string; requestToken: string };
  mint(options: MintOptions): Promise<string>;
  /** Tokens handed out through the request endpoint, newest last. */
  issued: string[];
  close(): Promise<void>;
}

export async function startFakeOidcIssuer(): Promise<FakeOidcIssuer> {
  const kid = `fake-${randomUUID().slice(0, 8)}`;
  const real = await generateKeyPair("RS256");
  const rogue = await generateKeyPair("RS256");
  const publicJwk: JWK = { ...(await exportJWK(real.publicKey)), kid, alg: "RS256", use: "sig" };
  const jobs = new Map<string, Omit<MintOptions, "audience"> & { fixedToken?: string }>();
  const issued: string[] = [];
  let issuer = "";

  const mint = async (o: MintOptions): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const key: CryptoKey = o.key && o.key !== "issuer" ? rogue.privateKey : real.privateKey;
    const header = { alg: "RS256", typ: "JWT", kid: o.key === "rogue-unknown-kid" ? "not-published" : kid };
    return new SignJWT({ event_name: "repository_dispatch", run_id: String(1000 + issued.length), run_attempt: "1", ...o.claims })
      .setProtectedHeader(header)
      .setIssuer(o.issuer ?? issuer)
      .setAudience(o.audience ?? "")
      .setSubject(`repo:${String(o.claims.repository ?? "")}:ref:refs/heads/main`)
      .setJti(randomUUID())
      .setIssuedAt(now - 5)
      .setNotBefore(now - 5)
      .setExpirationTime(now + (o.expiresIn ?? 300))
      .sign(key);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === "/.well-known/openid-configuration") return send(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks` });
      if (url.pathname === "/.well-known/jwks") return send(200, { keys: [publicJwk] });
      if (url.pathname === "/token") {
        const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
        const job = jobs.get(token);
        if (!job) return send(401, { message: "unknown request token" });
        const audience = url.searchParams.get("audience") ?? "";
        const value = job.fixedToken ?? (await mint({ ...job, audience }));
        issued.push(value);
        return send(200, { count: 1, value });
      }
      send(404, { message: "not here" });
    })();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  issuer = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    issuer,
    issued,
    mint,
    job: (m) => {
      const requestToken = `req-${randomUUID()}`;
      jobs.set(requestToken, m);
      return { requestUrl: `${issuer}/token?api-version=2.0`, requestToken };
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
