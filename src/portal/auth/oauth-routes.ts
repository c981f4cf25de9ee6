import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { Octokit } from "@octokit/rest";
import { exchangeWebFlowCode, getWebFlowAuthorizationUrl } from "@octokit/oauth-methods";
import type { PortalContext } from "../context.js";
import { BadRequest, parseCookies, readBody, redirect, sendHtml } from "../http.js";
import { layout } from "../pages/layout.js";
import { html } from "../pages/html.js";
import type { Router } from "../router.js";
import { resolvePrincipal } from "./principal.js";
import { clearedSessionCookie, createSession, csrfMatches, deleteSession, sessionCookie } from "./session-store.js";

const STATE_COOKIE = "wave_oauth_state";

function callbackUrl(req: IncomingMessage): string {
  const base = process.env.WAVE_PUBLIC_URL ?? `http://${String(req.headers.host ?? "localhost")}`;
  return `${base.replace(/\/$/, "")}/wave/auth/callback`;
}

/**
 * GitHub's OAuth web flow with the App's own client id and secret: a random
 * `state` in a short-lived cookie guards the callback; the user token is kept
 * server-side, the browser holds only a signed session id.
 */
export function addOAuthRoutes(router: Router, ctx: PortalContext): void {
  const { options } = ctx;
  const request = new Octokit({ baseUrl: options.githubApiUrl }).request;
  const secure = options.secureCookies ? "; Secure" : "";
  router.add("GET", "/wave/login", (req, res) => {
    if (!options.clientId || !options.clientSecret) {
      return sendHtml(
        res,
        503,
        layout(
          { title: "Sign-in not configured", login: null, csrf: null },
          html`<h1>Sign-in is not configured</h1>
            <p>
              Set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code> (the App's OAuth credentials; Probot's registration
              page writes them to <code>.env</code>) and restart.
            </p>`,
        ),
      );
    }
    const state = randomBytes(18).toString("base64url");
    const { url } = getWebFlowAuthorizationUrl({
      clientType: "github-app",
      clientId: options.clientId,
      redirectUrl: callbackUrl(req),
      state,
      request,
    });
    redirect(res, url, { "set-cookie": `${STATE_COOKIE}=${state}; Path=/wave/auth; HttpOnly; SameSite=Lax; Max-Age=600${secure}` });
  });
  router.add("GET", "/wave/auth/callback", async (req, res, _p, url) => {
    const state = url.searchParams.get("state");
    const code = url.searchParams.get("code");
    const expected = parseCookies(req)[STATE_COOKIE];
    const fail = (status: number, why: string) =>
      sendHtml(
        res,
        status,
        layout(
          { title: "Sign-in failed", login: null, csrf: null },
          html`<h1>Sign-in failed</h1>
            <p>${why}</p>
            <p><a class="button" href="/wave/login">Try again</a></p>`,
        ),
      );
    if (url.searchParams.get("error"))
      return fail(400, `GitHub said: ${url.searchParams.get("error_description") ?? url.searchParams.get("error") ?? ""}`);
    if (!code || !state || !expected || state !== expected) return fail(400, "The sign-in link expired or was not started here.");
    let token: string;
    try {
      const answer = await exchangeWebFlowCode({
        clientType: "github-app",
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        code,
        redirectUrl: callbackUrl(req),
        request,
      });
      token = answer.authentication.token;
    } catch (error) {
      ctx.deps.log.warn({ err: error }, "portal sign-in: GitHub refused the code");
      return fail(502, "GitHub did not accept the sign-in code. Check the App's client id and secret.");
    }
    const seen = await ctx.visibility.get(token);
    const session = await createSession(ctx.deps.pool, seen.login, token);
    redirect(res, "/wave/", {
      "set-cookie": [
        sessionCookie(options.sessionSecret, session.id, options.secureCookies),
        `${STATE_COOKIE}=; Path=/wave/auth; Max-Age=0`,
      ],
    });
  });
  router.add("POST", "/wave/logout", async (req, res) => {
    let body: Record<string, unknown>;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BadRequest) return sendHtml(res, 400, error.message);
      throw error;
    }
    const who = await resolvePrincipal(req, ctx.deps.pool, options.sessionSecret, ctx.visibility).catch(() => null);
    if (who?.session) {
      if (!csrfMatches(who.session, body.csrf))
        return sendHtml(
          res,
          403,
          layout(
            { title: "Refused", login: who.login, csrf: who.session.csrf },
            html`<h1>Refused</h1>
              <p>The form was not sent from this portal (CSRF token missing or wrong).</p>`,
          ),
        );
      await deleteSession(ctx.deps.pool, who.session.id);
      ctx.visibility.forget(who.token);
    }
    redirect(res, "/wave/", { "set-cookie": clearedSessionCookie(options.secureCookies) });
  });
}
