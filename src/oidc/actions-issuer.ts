import { WaveError } from "../errors.js";

/** GitHub.com's issuer of Actions OIDC tokens. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";

/**
 * The issuer whose tokens the app accepts: `WAVE_ACTIONS_OIDC_ISSUER` when set (tests point it at a
 * local issuer), else `https://HOST/_services/token` under GitHub Enterprise Server (`GHE_HOST`), else
 * GitHub.com's. Plain http is refused unless the issuer is on loopback.
 */
export function actionsIssuer(env: NodeJS.ProcessEnv): string {
  const configured = env.WAVE_ACTIONS_OIDC_ISSUER?.trim();
  const issuer = configured || (env.GHE_HOST ? `https://${env.GHE_HOST}/_services/token` : GITHUB_ACTIONS_ISSUER);
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new WaveError(`WAVE_ACTIONS_OIDC_ISSUER is not a URL (${JSON.stringify(issuer)}).`);
  }
  if (url.protocol !== "https:" && !isLoopback(url.hostname))
    throw new WaveError(`The Actions OIDC issuer ${issuer} must use https (plain http is accepted only on loopback, for tests).`);
  return issuer.replace(/\/+$/, "");
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http is accepted for. */
export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}
