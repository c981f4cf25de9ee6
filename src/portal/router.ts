import type { IncomingMessage, ServerResponse } from "node:http";

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, params: Record<string, string>, url: URL) => Promise<void> | void;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

/**
 * A small method + path table for the portal. Probot 14's server takes plain
 * Node handlers (`addHandler`) rather than an Express router, and the portal
 * has a dozen routes, so a table of patterns is all it needs.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:(\w+)/g, (_m, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Whether a route matched (and answered); false lets Probot's next handler try. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? "/", "http://portal.invalid");
    let pathMatched = false;
    for (const route of this.routes) {
      const m = url.pathname.match(route.pattern);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== req.method && !(route.method === "GET" && req.method === "HEAD")) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? "")));
      await route.handler(req, res, params, url);
      return true;
    }
    if (pathMatched) {
      res.writeHead(405, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${req.method ?? ""} is not allowed here`);
      return true;
    }
    return false;
  }
}
