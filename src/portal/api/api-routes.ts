import { PORTAL_ACTIONS, runPortalCommand, type PortalActionName } from "../actions/portal-command.js";
import { csrfMatches } from "../auth/session-store.js";
import type { PortalContext } from "../context.js";
import { BadRequest, readBody, sendJson } from "../http.js";
import { ownerType } from "../page-routes.js";
import type { Router } from "../router.js";
import { requirePrincipal, visibleStory } from "../routes-support.js";
import { BadCursor, listStories } from "./list-stories.js";
import { loadStoryDetail } from "./story-detail.js";

const STORY_ACTIONS = PORTAL_ACTIONS.filter((a) => a !== "stop-all" && a !== "resume-all");

/** The JSON API, mirroring the pages (see docs/portal-openapi.json). */
export function addApiRoutes(router: Router, ctx: PortalContext): void {
  router.add("GET", "/wave/api/stories", async (req, res, _p, url) => {
    const who = await requirePrincipal(ctx, req, res, "api");
    if (!who) return;
    const q = url.searchParams;
    const state = q.get("state") ?? undefined;
    if (state !== undefined && !["active", "held", "killed", "done"].includes(state))
      return sendJson(res, 400, { error: "state must be one of active, held, killed, done" });
    const waiting = q.get("waiting_for_human");
    if (waiting !== null && waiting !== "true" && waiting !== "false")
      return sendJson(res, 400, { error: "waiting_for_human must be true or false" });
    const limit = q.has("limit") ? Number(q.get("limit")) : 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return sendJson(res, 400, { error: "limit must be an integer from 1 to 200" });
    const repository = q.get("repository") ?? undefined;
    if (repository !== undefined && !/^[^/]+\/[^/]+$/.test(repository))
      return sendJson(res, 400, { error: "repository must be owner/name" });
    try {
      const page = await listStories(ctx.deps.pool, {
        repoIds: who.visibility.repoIds,
        status: state as "active" | undefined,
        repository,
        waitingForHuman: waiting === null ? undefined : waiting === "true",
        cursor: q.get("cursor") ?? undefined,
        limit,
      });
      sendJson(res, 200, { stories: page.stories, next_cursor: page.nextCursor });
    } catch (error) {
      if (error instanceof BadCursor) return sendJson(res, 400, { error: error.message });
      throw error;
    }
  });
  router.add("GET", "/wave/api/stories/:id", async (req, res, params) => {
    const who = await requirePrincipal(ctx, req, res, "api");
    if (!who) return;
    const story = await visibleStory(ctx, who, params.id ?? "");
    const detail = story ? await loadStoryDetail(ctx.deps.pool, story.id, ctx.options.githubWebUrl) : null;
    if (!detail) return sendJson(res, 404, { error: "no such story, or not in a repository you can read" });
    sendJson(res, 200, detail);
  });
  router.add("POST", "/wave/api/stories/:id/:action", async (req, res, params) => {
    const who = await requirePrincipal(ctx, req, res, "api");
    if (!who) return;
    let body: Record<string, unknown>;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message });
      throw error;
    }
    // A browser session carries ambient credentials, so it must prove the request came from the portal; a Bearer token cannot be sent by another site.
    if (who.session && !csrfMatches(who.session, req.headers["x-csrf-token"] ?? body.csrf))
      return sendJson(res, 403, { error: "CSRF token missing or wrong (send it in X-CSRF-Token); nothing was done" });
    const action = params.action as PortalActionName;
    if (!(STORY_ACTIONS as readonly string[]).includes(action))
      return sendJson(res, 404, { error: `no action ${action}; one of ${STORY_ACTIONS.join(", ")}` });
    const story = await visibleStory(ctx, who, params.id ?? "");
    if (!story) return sendJson(res, 404, { error: "no such story, or not in a repository you can read" });
    const outcome = await runPortalCommand(ctx.deps, ctx.github, ctx.directory, who.login, action, body, {
      installationId: story.installationId,
      repository: { id: story.repoId, owner: { login: story.owner, type: ownerType(who, story.owner) }, name: story.repo },
      number: story.issueNumber,
      story,
    });
    const status = outcome.verdict === "refused" ? 403 : outcome.verdict === "invalid" ? 422 : outcome.done ? 200 : 409;
    sendJson(res, status, outcome);
  });
}
