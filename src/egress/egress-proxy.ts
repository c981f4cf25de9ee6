import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";

/** One request the setup phase made through the proxy, allowed or not. */
export interface EgressLogEntry {
  at: string;
  /** How the sandbox asked: a registry route (`/r/<name>/…`), an absolute-URI proxy request, or a CONNECT tunnel. */
  mode: "registry" | "forward" | "connect";
  host: string;
  method: string;
  /** Path without the query (a query may carry a token the client added itself). */
  path: string;
  allowed: boolean;
  status?: number;
  /** Whether the proxy added the operator's credential for this host. */
  authenticated?: boolean;
}

export interface EgressProxyOptions {
  /** Registry name → base URL. Their hosts are the only ones reachable, in any mode. */
  registries: Record<string, string>;
  /**
   * Host → `Authorization` header value, from the operator's environment (WAVE_EGRESS_AUTH). Added by
   * the proxy on registry and plain-HTTP requests to exactly that host, so a token never enters a sandbox.
   */
  auth?: Record<string, string>;
  /** Called with every entry as it is logged (the app's logger). */
  onLog?: (entry: EgressLogEntry) => void;
}

/** The app's egress proxy for one setup run. */
export interface EgressProxy {
  /** The unix socket it listens on (in a private 0700 directory), for the stdio bridge. */
  readonly socketPath: string;
  /** Every request so far, in order. */
  readonly log: EgressLogEntry[];
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "authorization",
]);

/**
 * Starts the registry-only egress proxy. It answers three kinds of request from the sandbox's
 * forwarder: `GET /r/<name>/<path>` is sent to that registry over HTTPS (a reverse proxy, so the
 * proxy can add a private registry's token); an absolute-URI request or a CONNECT goes through
 * only when its host is one of the registries' hosts. Everything else is refused with 403 and
 * logged, like everything allowed.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const registries = new Map(Object.entries(options.registries).map(([name, url]) => [name, new URL(url)]));
  const allowedHosts = new Set([...registries.values()].map((u) => u.host.toLowerCase()));
  const log: EgressLogEntry[] = [];
  const record = (entry: Omit<EgressLogEntry, "at">): EgressLogEntry => {
    const full = { at: new Date().toISOString(), ...entry };
    log.push(full);
    options.onLog?.(full);
    return full;
  };
  const authFor = (host: string) => options.auth?.[host.toLowerCase()];

  const server = createServer((req, res) => {
    const raw = req.url ?? "/";
    if (raw.startsWith("/r/")) {
      const [, , name = "", ...rest] = raw.split("/");
      const base = registries.get(name);
      if (!base)
        return refuse(
          res,
          record({ mode: "registry", host: `registry:${name}`, method: req.method ?? "GET", path: pathOnly(raw), allowed: false }),
        );
      const target = new URL(`${base.pathname.replace(/\/+$/, "")}/${rest.join("/")}`, base);
      return forward(req, res, target, "registry");
    }
    let target: URL;
    try {
      target = new URL(raw);
    } catch {
      return refuse(res, record({ mode: "forward", host: "(none)", method: req.method ?? "GET", path: pathOnly(raw), allowed: false }));
    }
    if (!allowedHosts.has(target.host.toLowerCase())) {
      return refuse(
        res,
        record({ mode: "forward", host: target.host, method: req.method ?? "GET", path: target.pathname, allowed: false }),
      );
    }
    forward(req, res, target, "forward");
  });

  function forward(req: IncomingMessage, res: ServerResponse, target: URL, mode: "registry" | "forward"): void {
    const token = authFor(target.host);
    const headers: OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    headers.host = target.host;
    if (token) headers.authorization = token;
    const entry = record({
      mode,
      host: target.host,
      method: req.method ?? "GET",
      path: target.pathname,
      allowed: true,
      authenticated: token !== undefined,
    });
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const upstream = send(target, { method: req.method ?? "GET", headers }, (answer) => {
      entry.status = answer.statusCode ?? 502;
      const out: OutgoingHttpHeaders = {};
      for (const [k, v] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) out[k] = v;
      res.writeHead(entry.status, out);
      answer.pipe(res);
    });
    upstream.on("error", (error) => {
      entry.status = 502;
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`WAVE egress: ${target.host} could not be reached (${error.message}).\n`);
    });
    req.pipe(upstream);
  }

  const tunnels = new Set<Duplex>();
  server.on("connect", (req: IncomingMessage, client: Duplex, head: Buffer) => {
    tunnels.add(client);
    client.on("close", () => tunnels.delete(client));
    const hostPort = req.url ?? "";
    const host = hostPort.replace(/:443$/, "");
    if (!allowedHosts.has(host.toLowerCase()) && !allowedHosts.has(hostPort.toLowerCase())) {
      record({ mode: "connect", host: hostPort, method: "CONNECT", path: "", allowed: false, status: 403 });
      client.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nWAVE egress: ${hostPort} is not an allowed registry.\n`);
      return;
    }
    const entry = record({ mode: "connect", host: hostPort, method: "CONNECT", path: "", allowed: true });
    const [name, port = "443"] = hostPort.split(":");
    const upstream: Socket = connect(Number(port), name ?? "");
    upstream.on("connect", () => {
      entry.status = 200;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => {
      entry.status = 502;
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
    });
    client.on("error", () => upstream.destroy());
  });

  const dir = mkdtempSync(join(tmpdir(), "wave-egress-"));
  const socketPath = join(dir, "proxy.sock");
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const tunnel of tunnels) tunnel.destroy();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}

function refuse(res: ServerResponse, entry: EgressLogEntry): void {
  entry.status = 403;
  res.writeHead(403, { "content-type": "text/plain" });
  res.end(`WAVE egress: ${entry.host} is not an allowed registry; the setup phase reaches only sandbox.registries.\n`);
}

function pathOnly(url: string): string {
  return url.split("?")[0] ?? url;
}
