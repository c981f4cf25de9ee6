import type { PortalContext } from "../context.js";
import type { Router } from "../router.js";
import { requirePrincipal } from "../routes-support.js";

const HEARTBEAT_MS = 15_000;

/**
 * `GET /wave/events[?story=id]`: Server-Sent Events, one `story` event per
 * change to a story the person can read (or to that one story). Fed by the
 * process's LISTEN connection, so it carries every replica's changes.
 */
export function addSseRoute(router: Router, ctx: PortalContext): void {
  router.add("GET", "/wave/events", async (req, res, _p, url) => {
    const who = await requirePrincipal(ctx, req, res, "api");
    if (!who) return;
    const only = url.searchParams.get("story");
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    res.write(": connected\n\n");
    ctx.streams.add(res);
    const unsubscribe = ctx.feed.subscribe((change) => {
      if (!who.visibility.repoIds.has(Number(change.repo_id))) return;
      if (only && change.id !== only) return;
      res.write(`event: story\ndata: ${JSON.stringify({ id: change.id, version: change.version })}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), HEARTBEAT_MS);
    req.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
      ctx.streams.delete(res);
    });
  });
}
