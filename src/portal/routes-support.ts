import type { IncomingMessage, ServerResponse } from "node:http";
import { resolvePrincipal, Unauthenticated, type Principal } from "./auth/principal.js";
import type { PortalContext } from "./context.js";
import { sendHtml, sendJson } from "./http.js";
import { html } from "./pages/html.js";
import { layout } from "./pages/layout.js";
import { loadStory, type StoryRow } from "../store/stories.js";

/** The principal, or an answer already sent (401 for the API, the sign-in page for pages). */
export async function requirePrincipal(
  ctx: PortalContext,
  req: IncomingMessage,
  res: ServerResponse,
  kind: "api" | "page",
): Promise<Principal | null> {
  try {
    const who = await resolvePrincipal(req, ctx.deps.pool, ctx.options.sessionSecret, ctx.visibility);
    if (who) return who;
  } catch (error) {
    if (!(error instanceof Unauthenticated)) throw error;
    if (kind === "api") {
      sendJson(res, 401, { error: error.message });
      return null;
    }
  }
  if (kind === "api")
    sendJson(
      res,
      401,
      { error: "Sign in, or send a GitHub token in Authorization: Bearer." },
      { "www-authenticate": 'Bearer realm="wave"' },
    );
  else
    sendHtml(
      res,
      200,
      layout(
        { title: "Sign in", login: null, csrf: null },
        html`<h1>WAVE portal</h1>
          <p>
            Sign in with your GitHub account to see the stories of the repositories you can read, and to act on them where you are allowed
            to.
          </p>
          <p><a class="button" href="/wave/login">Sign in with GitHub</a></p>`,
      ),
    );
  return null;
}

/** A story the principal may read; null (404 for both "absent" and "not yours") otherwise, so ids leak nothing. */
export async function visibleStory(ctx: PortalContext, who: Principal, id: string): Promise<StoryRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const story = await loadStory(ctx.deps.pool, id);
  return story && who.visibility.repoIds.has(story.repoId) ? story : null;
}

export function notFoundPage(res: ServerResponse, who: Principal): void {
  sendHtml(
    res,
    404,
    layout(
      { title: "Not found", login: who.login, csrf: who.session?.csrf ?? null },
      html`<h1>No such story</h1>
        <p>It does not exist, or it is in a repository you cannot read.</p>
        <p><a href="/wave/">Back to the overview</a></p>`,
    ),
  );
}
