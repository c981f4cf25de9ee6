import { createHash } from "node:crypto";
import type { SandboxCounter } from "./ops/metrics.js";
import type { SandboxProbe } from "./ops/readiness.js";

/** How the portal reaches GitHub and signs its sessions. */
export interface PortalOptions {
  /** The GitHub App's OAuth client id and secret (the manifest flow writes GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET). */
  clientId: string;
  clientSecret: string;
  /** Key for the session cookie's HMAC; shared by every replica. */
  sessionSecret: string;
  /** GitHub's REST base URL (`https://api.github.com`, or `…/api/v3` on GHES). */
  githubApiUrl: string;
  /** GitHub's web URL, for links to issues and pull requests. */
  githubWebUrl: string;
  /** Mark cookies `Secure` (on when the app is served over HTTPS). */
  secureCookies: boolean;
  sandboxReady: SandboxProbe;
  sandboxCount?: SandboxCounter;
}

export type PortalEnvOptions = Omit<PortalOptions, "sandboxReady" | "sandboxCount">;

/**
 * Reads the portal's settings from Probot's environment. Without a session
 * secret the key is derived from the App's private key, so every replica
 * signs alike with nothing more to configure.
 */
export function portalOptionsFromEnv(env: NodeJS.ProcessEnv): PortalEnvOptions {
  const protocol = env.GHE_PROTOCOL ?? "https";
  const webUrl = env.GHE_HOST ? `${protocol}://${env.GHE_HOST}` : "https://github.com";
  const apiUrl = env.GHE_HOST ? `${webUrl}/api/v3` : "https://api.github.com";
  const sessionSecret =
    env.WAVE_SESSION_SECRET ??
    createHash("sha256")
      .update(`wave-portal-session:${env.PRIVATE_KEY ?? env.PRIVATE_KEY_PATH ?? env.WEBHOOK_SECRET ?? ""}`)
      .digest("hex");
  return {
    clientId: env.GITHUB_CLIENT_ID ?? "",
    clientSecret: env.GITHUB_CLIENT_SECRET ?? "",
    sessionSecret,
    githubApiUrl: apiUrl,
    githubWebUrl: webUrl,
    secureCookies: (env.WAVE_PUBLIC_URL ?? "").startsWith("https://"),
  };
}
