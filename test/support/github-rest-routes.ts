import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * GitHub's published REST API routes, as Octokit generates them from GitHub's
 * OpenAPI description (`@octokit/plugin-rest-endpoint-methods`). Every request
 * the app makes in tests is held against this list.
 */
function loadRoutes(): { method: string; pattern: RegExp; template: string }[] {
  const entry = createRequire(import.meta.url).resolve("@octokit/plugin-rest-endpoint-methods");
  const source = readFileSync(join(dirname(entry), "generated", "endpoints.js"), "utf8");
  const routes = new Set(source.match(/"(GET|POST|PUT|PATCH|DELETE|HEAD) \/[^"]*"/g)?.map((s) => s.slice(1, -1)) ?? []);
  return [...routes].map((route) => {
    const [method, template] = route.split(" ") as [string, string];
    const pattern = new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, "[^/]+")}$`);
    return { method, pattern, template };
  });
}

let routes: ReturnType<typeof loadRoutes> | undefined;

/** The documented route a request matches ("GET /repos/{owner}/{repo}"), or null. Paths are without the query and `/api/v3`. */
export function documentedRoute(method: string, path: string): string | null {
  routes ??= loadRoutes();
  const clean = path.split("?")[0] ?? path;
  // {path} and {ref} parameters may hold encoded or plain slashes; compare both forms.
  const candidates = [clean, decodeURIComponent(clean).replace(/\/+$/, "")];
  if (method.toUpperCase() === "POST" && clean === "/graphql") return "POST /graphql";
  for (const r of routes) {
    if (r.method !== method.toUpperCase()) continue;
    if (
      candidates.some((c) => r.pattern.test(c)) ||
      (r.template.endsWith("{path}") || r.template.endsWith("{ref}") ? r.pattern.test(encodeSlashesAfter(clean, r.template)) : false)
    )
      return `${r.method} ${r.template}`;
  }
  return null;
}

/** `/repos/o/r/contents/a/b` → `/repos/o/r/contents/a%2Fb`, for templates whose last parameter may hold slashes. */
function encodeSlashesAfter(path: string, template: string): string {
  const fixed = template.split("/").length - 1;
  const parts = path.split("/");
  return [...parts.slice(0, fixed), parts.slice(fixed).join("%2F")].join("/");
}
