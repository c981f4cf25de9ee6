import type { IncomingMessage } from "node:http";
import type { Pool } from "../../store/db.js";
import { parseCookies } from "../http.js";
import type { Visibility, VisibilityCache } from "./github-user.js";
import { loadSession, SESSION_COOKIE, verifySessionCookie, type Session } from "./session-store.js";

/** Who is asking: a signed-in person (session) or an API client (Bearer token), and what GitHub lets them read. */
export interface Principal {
  login: string;
  token: string;
  visibility: Visibility;
  /** Null for Bearer clients: they send no cookie, so they need no CSRF token. */
  session: Session | null;
}

export class Unauthenticated extends Error {}

/**
 * Resolves the request's principal, or null when it carries no credentials.
 * A token GitHub does not accept throws `Unauthenticated` (answered 401).
 */
export async function resolvePrincipal(
  req: IncomingMessage,
  pool: Pool,
  secret: string,
  visibility: VisibilityCache,
): Promise<Principal | null> {
  const auth = String(req.headers.authorization ?? "");
  let token: string;
  let session: Session | null = null;
  if (/^Bearer\s+\S+$/i.test(auth)) {
    token = auth.replace(/^Bearer\s+/i, "");
  } else {
    const id = verifySessionCookie(secret, parseCookies(req)[SESSION_COOKIE]);
    if (!id) return null;
    session = await loadSession(pool, id);
    if (!session) return null;
    token = session.token;
  }
  let seen: Visibility;
  try {
    seen = await visibility.get(token);
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 401 || status === 403)
      throw new Unauthenticated("GitHub did not accept this token; sign in again (or send a valid token in Authorization: Bearer).");
    throw error;
  }
  return { login: seen.login, token, visibility: seen, session };
}
