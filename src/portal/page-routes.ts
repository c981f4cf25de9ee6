import type { IncomingMessage, ServerResponse } from "node:http";
import { allowedActions, ownedAccounts } from "./actions/allowed-actions.js";
import { PORTAL_ACTIONS, runPortalCommand, type PortalActionName } from "./actions/portal-command.js";
import { loadOverview } from "./api/overview.js";
import { BadCursor, listStories } from "./api/list-stories.js";
import { loadStoryDetail } from "./api/story-detail.js";
import type { Principal } from "./auth/principal.js";
import { csrfMatches } from "./auth/session-store.js";
import type { PortalContext } from "./context.js";
import { BadRequest, parseCookies, readBody, redirect, sendHtml, sendText } from "./http.js";
import { PORTAL_CSS, PORTAL_JS } from "./pages/assets.js";
import { html } from "./pages/html.js";
import { layout } from "./pages/layout.js";
import { renderOverviewPage } from "./pages/overview-page.js";
import { renderStoryPage } from "./pages/story-page.js";
import type { Router } from "./router.js";
import { notFoundPage, requirePrincipal, visibleStory } from "./routes-support.js";
import type { StorySummary } from "./api/story-summary.js";

const FLASH_COOKIE = "wave_flash";
const PAGE_SIZE = 50;

export function ownerType(who: Principal, owner: string): "User" | "Organization" {
  return who.visibility.installations.find((i) => i.account.toLowerCase() === owner.toLowerCase())?.type ?? "Organization";
}

function flashCookie(message: string): string {
  return `${FLASH_COOKIE}=${encodeURIComponent(message.slice(0, 600))}; Path=/wave; HttpOnly; SameSite=Lax; Max-Age=60`;
}

function refused(res: ServerResponse, who: Principal, why: string): void {
  sendHtml(
    res,
    403,
    layout(
      { title: "Refused", login: who.login, csrf: who.session?.csrf ?? null },
      html`<h1>Refused</h1>
        <p>${why}</p>
        <p><a href="/wave/">Back to the overview</a></p>`,
    ),
  );
}

/** The server-rendered pages: overview, story, and the forms that act on them. */
/**
 * The signed-in person and their form, for every page POST: a body that cannot be read is a 400,
 * and a form without this session's CSRF token is refused before anything is done.
 */
async function signedInForm(
  ctx: PortalContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<{ who: Principal; body: Record<string, unknown> } | undefined> {
  const who = await requirePrincipal(ctx, req, res, "page");
  if (!who) return undefined;
  let body: Record<string, unknown>;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof BadRequest) {
      sendHtml(res, 400, error.message);
      return undefined;
    }
    throw error;
  }
  if (!who.session || !csrfMatches(who.session, body.csrf)) {
    refused(res, who, "The form was not sent from this portal (CSRF token missing or wrong). Nothing was done.");
    return undefined;
  }
  return { who, body };
}

export function addPageRoutes(router: Router, ctx: PortalContext): void {
  router.add("GET", "/wave/assets/portal.css", (_req, res) =>
    sendText(res, 200, PORTAL_CSS, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=300" }),
  );
  router.add("GET", "/wave/assets/portal.js", (_req, res) =>
    sendText(res, 200, PORTAL_JS, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=300" }),
  );
  router.add("GET", "/wave", (_req, res) => redirect(res, "/wave/"));

  router.add("GET", "/wave/", async (req, res, _p, url) => {
    const who = await requirePrincipal(ctx, req, res, "page");
    if (!who) return;
    const state = url.searchParams.get("state");
    const status = state && ["active", "held", "killed", "done"].includes(state) ? (state as StorySummary["status"]) : undefined;
    const repository = url.searchParams.get("repository") || undefined;
    const waitingParam = url.searchParams.get("waiting");
    const waiting = waitingParam === "true" ? true : waitingParam === "false" ? false : undefined;
    const cursor = url.searchParams.get("cursor") || undefined;
    const repoIds = who.visibility.repoIds;
    let page;
    try {
      page = await listStories(ctx.deps.pool, { repoIds, status, repository, waitingForHuman: waiting, cursor, limit: PAGE_SIZE });
    } catch (error) {
      if (error instanceof BadCursor) return sendHtml(res, 400, error.message);
      throw error;
    }
    const [overview, waitingNow, repos, ownerOf] = await Promise.all([
      loadOverview(
        ctx.deps.pool,
        repoIds,
        who.visibility.installations.map((i) => i.account),
      ),
      listStories(ctx.deps.pool, { repoIds, waitingForHuman: true, limit: 20 }),
      ctx.deps.pool.query(`SELECT DISTINCT owner || '/' || repo AS r FROM stories WHERE repo_id = ANY($1::bigint[]) ORDER BY 1`, [
        [...repoIds],
      ]),
      ownedAccounts(ctx, who.login, who.visibility.installations),
    ]);
    sendHtml(
      res,
      200,
      renderOverviewPage(
        { title: "Overview", login: who.login, csrf: who.session?.csrf ?? null, live: "/wave/events" },
        {
          overview,
          waiting: waitingNow.stories,
          stories: page.stories,
          nextCursor: page.nextCursor,
          filter: { status, repository, waiting },
          repositories: repos.rows.map((r: { r: string }) => r.r),
          ownerOf,
        },
      ),
    );
  });

  router.add("GET", "/wave/stories/:id", async (req, res, params) => {
    const who = await requirePrincipal(ctx, req, res, "page");
    if (!who) return;
    const story = await visibleStory(ctx, who, params.id ?? "");
    if (!story) return notFoundPage(res, who);
    const detail = await loadStoryDetail(ctx.deps.pool, story.id, ctx.options.githubWebUrl);
    if (!detail) return notFoundPage(res, who);
    const actions = who.session ? await allowedActions(ctx, who.login, story, ownerType(who, story.owner)) : [];
    const flash = parseCookies(req)[FLASH_COOKIE] ?? null;
    sendHtml(
      res,
      200,
      renderStoryPage(
        { title: "", login: who.login, csrf: who.session?.csrf ?? null, live: `/wave/events?story=${story.id}` },
        detail,
        actions,
        flash,
      ),
      flash ? { "set-cookie": `${FLASH_COOKIE}=; Path=/wave; Max-Age=0` } : {},
    );
  });

  router.add("POST", "/wave/stories/:id/:action", async (req, res, params) => {
    const form = await signedInForm(ctx, req, res);
    if (!form) return;
    const { who, body } = form;
    const action = params.action as PortalActionName;
    if (!PORTAL_ACTIONS.includes(action) || action === "stop-all" || action === "resume-all") return sendHtml(res, 404, "no such action");
    const story = await visibleStory(ctx, who, params.id ?? "");
    if (!story) return notFoundPage(res, who);
    const outcome = await runPortalCommand(ctx.deps, ctx.github, ctx.directory, who.login, action, body, {
      installationId: story.installationId,
      repository: { id: story.repoId, owner: { login: story.owner, type: ownerType(who, story.owner) }, name: story.repo },
      number: story.issueNumber,
      story,
    });
    if (outcome.verdict === "refused") return refused(res, who, outcome.message);
    redirect(res, `/wave/stories/${story.id}`, { "set-cookie": flashCookie(outcome.message) });
  });

  router.add("POST", "/wave/orgs/:owner/:action", async (req, res, params) => {
    const form = await signedInForm(ctx, req, res);
    if (!form) return;
    const { who, body } = form;
    const action = params.action;
    if (action !== "stop-all" && action !== "resume-all") return sendHtml(res, 404, "no such action");
    const installation = who.visibility.installations.find((i) => i.account.toLowerCase() === (params.owner ?? "").toLowerCase());
    if (!installation) return refused(res, who, "WAVE is not installed there, or you cannot see that installation.");
    const outcome = await runPortalCommand(ctx.deps, ctx.github, ctx.directory, who.login, action, body, {
      installationId: installation.id,
      // Organisation authority comes from the organisation's own `.github` repository.
      repository: { id: 0, owner: { login: installation.account, type: installation.type }, name: ".github" },
      number: 0,
      story: null,
    });
    if (outcome.verdict === "refused") return refused(res, who, outcome.message);
    redirect(res, "/wave/", { "set-cookie": flashCookie(outcome.message) });
  });
}
