import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Pool } from "../../store/db.js";

/** A signed-in person: who they are, the GitHub user token that proves it, the CSRF token their forms carry. */
export interface Session {
  id: string;
  login: string;
  token: string;
  csrf: string;
}

export const SESSION_COOKIE = "wave_session";
const SESSION_HOURS = 8;

/** `id.signature`: the id alone is unguessable; the HMAC also lets us refuse a forged cookie without a query. */
export function signSessionId(secret: string, id: string): string {
  return `${id}.${createHmac("sha256", secret).update(id).digest("base64url")}`;
}

export function verifySessionCookie(secret: string, value: string | undefined): string | null {
  if (!value) return null;
  const dot = value.lastIndexOf(".");
  if (dot <= 0) return null;
  const id = value.slice(0, dot);
  const expected = Buffer.from(signSessionId(secret, id));
  const given = Buffer.from(value);
  return expected.length === given.length && timingSafeEqual(expected, given) ? id : null;
}

export function sessionCookie(secret: string, id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(signSessionId(secret, id))}; Path=/wave; HttpOnly; SameSite=Lax; Max-Age=${SESSION_HOURS * 3600}${secure ? "; Secure" : ""}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/wave; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
}

export async function createSession(pool: Pool, login: string, token: string): Promise<Session> {
  const session = { id: randomBytes(24).toString("base64url"), login, token, csrf: randomBytes(24).toString("base64url") };
  await pool.query(
    `INSERT INTO portal_sessions (id, login, token, csrf, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5))`,
    [session.id, login, token, session.csrf, SESSION_HOURS],
  );
  // Expired sessions are swept as new ones are made: no timer needed.
  await pool.query(`DELETE FROM portal_sessions WHERE expires_at < now()`);
  return session;
}

export async function loadSession(pool: Pool, id: string): Promise<Session | null> {
  const res = await pool.query(`SELECT id, login, token, csrf FROM portal_sessions WHERE id = $1 AND expires_at > now()`, [id]);
  return (res.rows[0] as Session | undefined) ?? null;
}

export async function deleteSession(pool: Pool, id: string): Promise<void> {
  await pool.query(`DELETE FROM portal_sessions WHERE id = $1`, [id]);
}

/** Constant-time comparison of a submitted CSRF token with the session's. */
export function csrfMatches(session: Session, submitted: unknown): boolean {
  if (typeof submitted !== "string") return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(submitted);
  return a.length === b.length && timingSafeEqual(a, b);
}
