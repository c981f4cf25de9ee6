import type { PortalContext } from "../context.js";
import { sendJson, sendText } from "../http.js";
import type { Router } from "../router.js";
import { checkReadiness } from "./readiness.js";

/** `/healthz` (the process answers), `/readyz` (what it depends on answers), `/metrics` (Prometheus). */
export function addOpsRoutes(router: Router, ctx: PortalContext): void {
  router.add("GET", "/healthz", (_req, res) => sendJson(res, 200, { status: "ok" }));
  router.add("GET", "/readyz", async (_req, res) => {
    const report = await checkReadiness(ctx.deps.pool, ctx.boss, ctx.options.sandboxReady);
    const failed = report.checks.filter((c) => !c.ok);
    sendJson(res, report.ready ? 200 : 503, {
      status: report.ready ? "ready" : "not ready",
      ...(failed.length ? { reason: failed.map((c) => `${c.name}: ${c.reason ?? "failed"}`).join("; ") } : {}),
      checks: report.checks,
    });
  });
  router.add("GET", "/metrics", async (_req, res) => {
    try {
      const text = await ctx.metrics.registry.metrics();
      sendText(res, 200, text, { "content-type": ctx.metrics.registry.contentType });
    } catch (error) {
      // A scrape while Postgres is down says so instead of reporting stale or zero figures.
      sendText(res, 503, `metrics unavailable: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
}
