import type { ServerResponse } from "node:http";
import type PgBoss from "pg-boss";
import type { SenderDirectory } from "../commands/github/sender-directory.js";
import type { EngineDeps } from "../engine/deps.js";
import type { GitHubAuth } from "../engine/ports.js";
import type { VisibilityCache } from "./auth/github-user.js";
import type { StoryFeed } from "./live/story-feed.js";
import type { WaveMetrics } from "./ops/metrics.js";
import type { PortalOptions } from "./options.js";

/** Everything the portal's routes share. */
export interface PortalContext {
  deps: EngineDeps;
  boss: PgBoss;
  github: GitHubAuth;
  directory: SenderDirectory;
  options: PortalOptions;
  visibility: VisibilityCache;
  feed: StoryFeed;
  metrics: WaveMetrics;
  /** Open event streams, ended when the portal closes so the server can stop. */
  streams: Set<ServerResponse>;
}
