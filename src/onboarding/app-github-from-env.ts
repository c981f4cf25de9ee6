import { readFileSync } from "node:fs";
import { Probot } from "probot";
import { pino } from "pino";
import type { GitHubClient } from "../github/client.js";
import type { AppGitHub } from "./installation-doctor.js";

/**
 * The app's own GitHub clients from Probot's environment (APP_ID, PRIVATE_KEY or
 * PRIVATE_KEY_PATH, GHE_HOST, GHE_PROTOCOL), or null when the app is not registered yet.
 */
export async function appGitHubFromEnv(env: NodeJS.ProcessEnv): Promise<AppGitHub | null> {
  const privateKey = env.PRIVATE_KEY ?? (env.PRIVATE_KEY_PATH ? readFileSync(env.PRIVATE_KEY_PATH, "utf8") : undefined);
  if (!env.APP_ID || !privateKey) return null;
  const baseUrl = env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined;
  const probot = new Probot({
    appId: env.APP_ID,
    privateKey: privateKey.replace(/\\n/g, "\n"),
    log: pino({ level: "silent" }),
    ...(baseUrl ? { baseUrl } : {}),
  });
  return {
    app: (await probot.auth()) as unknown as GitHubClient,
    forInstallation: async (id) => (await probot.auth(id)) as unknown as GitHubClient,
  };
}
