import type { IncomingMessage, ServerResponse } from "node:http";
import type PgBoss from "pg-boss";
import type { SenderDirectory } from "../commands/github/sender-directory.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import { addApiRoutes } from "./api/api-routes.js";
import { createVisibilityCache } from "./auth/github-user.js";
import { addOAuthRoutes } from "./auth/oauth-routes.js";
import type { PortalContext } from "./context.js";
import { sendText } from "./http.js";
import { addSseRoute } from "./live/sse-route.js";
import { startStoryFeed } from "./live/story-feed.js";
import type { WaveMetrics } from "./ops/metrics.js";
import { addOpsRoutes } from "./ops/ops-routes.js";
import type { PortalOptions } from "./options.js";
import { addPageRoutes } from "./page-routes.js";
import { Router } from "./router.js";

export interface Portal {
  /** A Probot server handler (`addHandler`): answers the portal's paths, passes on the rest. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The portal on the app's own server: dashboard at `/wave/`, JSON API at
 * `/wave/api/`, `/healthz`, `/readyz`, `/metrics`. Reads the store; acts only
 * through the commands layer.
 */
export function createPortal(
  deps: EngineDeps,
  ports: { boss: PgBoss; github: GitHubAuth; directory: SenderDirectory; metrics: WaveMetrics; databaseUrl: string },
  options: PortalOptions,
): Portal {
  const ctx: PortalContext = {
    deps,
    boss: ports.boss,
    github: ports.github,
    directory: ports.directory,
    options,
    visibility: createVisibilityCache(options.githubApiUrl),
    feed: startStoryFeed(ports.databaseUrl, deps.log),
    metrics: ports.metrics,
    streams: new Set(),
  };
  const router = new Router();
  addOpsRoutes(router, ctx);
  addOAuthRoutes(router, ctx);
  addPageRoutes(router, ctx);
  addApiRoutes(router, ctx);
  addSseRoute(router, ctx);
  return {
    handler: async (req, res) => {
      try {
        return await router.handle(req, res);
      } catch (error) {
        deps.log.error({ err: error, url: req.url }, "portal request failed");
        if (!res.headersSent) sendText(res, 500, "The portal could not answer this request; the error is in the app's log.\n");
        else res.end();
        return true;
      }
    },
    close: async () => {
      for (const res of ctx.streams) res.end();
      ctx.streams.clear();
      await ctx.feed.close();
    },
  };
}
