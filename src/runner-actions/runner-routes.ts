import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import type { Log } from "../engine/deps.js";
import { RunnerTokenRefused } from "../oidc/verify-actions-token.js";
import { RUNNER_PATH, type OpenSessionResponse, type Result } from "./protocol.js";
import type { RunnerHub } from "./runner-hub.js";

/** A result carries a file or a change export (base64); opening a session carries only a job id, before any check. */
const MAX_RESULT_BYTES = 64 * 1024 * 1024;
const MAX_OPEN_BYTES = 16 * 1024;

/**
 * The protocol's HTTP routes on the app's own server (a Probot `addHandler`): answers paths under
 * `/wave/runner/`, passes on the rest. Refusals are 401/403/409 with the reason as plain text, which
 * the action prints as its error.
 */
export function runnerRoutes(hub: RunnerHub, log: Log, options: { pollMs?: number } = {}) {
  const pollMs = Math.min(options.pollMs ?? 20_000, hub.heartbeatMs);
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://app");
    if (!url.pathname.startsWith(`${RUNNER_PATH}/`)) return false;
    const rest = url.pathname.slice(RUNNER_PATH.length);
    const method = req.method ?? "GET";
    try {
      if (rest === "/sessions" && method === "POST") {
        const token = bearer(req);
        const body = (await readJson(req, MAX_OPEN_BYTES)) as { job_id?: unknown };
        if (!token) return text(res, 401, "No OIDC token: send the job's token as Authorization: Bearer <token>.");
        if (typeof body.job_id !== "string") return text(res, 400, 'The body must be {"job_id": "…"}.');
        try {
          const session = await hub.open(token, body.job_id);
          const answer: OpenSessionResponse = {
            session_id: session.id,
            session_secret: session.secret,
            heartbeat_ms: hub.heartbeatMs,
            poll_ms: pollMs,
          };
          return json(res, 201, answer);
        } catch (error) {
          if (!(error instanceof RunnerTokenRefused)) throw error;
          log.warn({ jobId: body.job_id }, error.message);
          return text(res, 403, error.message);
        }
      }
      const m = rest.match(/^\/sessions\/([0-9a-f-]{36})\/(next|results|heartbeat|streams\/([0-9a-f-]{36}))$/);
      if (!m) return text(res, 404, `No runner route ${method} ${url.pathname}.`);
      const session = hub.session(m[1] ?? "", bearer(req) ?? "");
      if (!session) return text(res, 401, "This runner session is unknown, over, or its secret is wrong.");
      const what = m[2] ?? "";
      if (what === "next" && method === "GET") {
        const op = await session.next(pollMs);
        if (session.lost) return text(res, 410, `The session is over: ${session.lost.message}`);
        if (!op) {
          res.writeHead(204).end();
          return true;
        }
        return json(res, 200, op);
      }
      if (what === "heartbeat" && method === "POST") {
        session.seen();
        res.writeHead(204).end();
        return true;
      }
      if (what === "results" && method === "POST") {
        const result = (await readJson(req, MAX_RESULT_BYTES)) as Result;
        session.settle(result);
        res.writeHead(204).end();
        return true;
      }
      const sid = m[3] ?? "";
      if (method === "GET") {
        const stream = session.takeOutgoing(sid);
        if (!stream) return text(res, 404, "No such stream (or it was already fetched).");
        res.writeHead(200, { "content-type": "application/octet-stream" });
        await pipeline(stream, res).catch(() => res.destroy());
        return true;
      }
      if (method === "POST") {
        const sink = session.takeIncoming(sid);
        if (!sink) return text(res, 404, "No such stream (or it was already posted).");
        req.on("data", () => session.seen());
        await pipeline(req, sink).catch((error: unknown) => sink.destroy(error as Error));
        res.writeHead(204).end();
        return true;
      }
      return text(res, 405, `${method} is not allowed on ${url.pathname}.`);
    } catch (error) {
      log.error({ err: error, url: url.pathname }, "runner request failed");
      if (!res.headersSent) return text(res, 500, "The app could not answer this runner request; the error is in the app's log.");
      res.destroy();
      return true;
    }
  };
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith("Bearer ") ? h.slice(7).trim() : undefined;
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) throw new Error(`runner request body over ${limit} bytes`);
    chunks.push(c as Buffer);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw) return {};
  try {
    return JSON.parse(raw);
  } catch {
    return {};
  }
}

function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
  return true;
}

function text(res: ServerResponse, status: number, body: string): true {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(`${body}\n`);
  return true;
}
