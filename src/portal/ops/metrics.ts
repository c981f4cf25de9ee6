import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Pool } from "../../store/db.js";

/** Counts running sandboxes; production asks Docker for this deployment's labelled containers. */
export type SandboxCounter = () => Promise<number>;

/**
 * The app's Prometheus registry. Database-backed figures (deliveries, queues,
 * stories, gate durations, model spend, sandbox exec latency) are read at
 * scrape time, so every replica reports the same truth and nothing is lost on
 * restart; GitHub request counts and the rate limit are this process's own.
 */
export interface WaveMetrics {
  registry: Registry;
  /** Records one GitHub API answer (status and the `x-ratelimit-remaining` header). */
  githubRequest(status: number, remaining: string | number | undefined, resource?: string): void;
}

export function createMetrics(pool: Pool, sandboxCount: SandboxCounter = async () => 0): WaveMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "wave_process_" });
  const query = async <T>(sql: string): Promise<T[]> => (await pool.query(sql)).rows as T[];

  new Gauge({
    name: "wave_webhook_deliveries",
    help: "Webhook deliveries recorded, by processing state.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await query<{ state: string; n: number }>(
        `SELECT CASE WHEN processed_at IS NOT NULL THEN 'processed' WHEN queued_at IS NOT NULL THEN 'queued' ELSE 'received' END AS state, count(*)::int AS n FROM webhook_deliveries GROUP BY 1`,
      );
      this.reset();
      for (const r of rows) this.set({ state: r.state }, r.n);
    },
  });
  new Gauge({
    name: "wave_queue_depth",
    help: "Jobs waiting (created or retry) per queue.",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      const rows = await query<{ name: string; n: number }>(
        `SELECT name, count(*)::int AS n FROM pgboss.job WHERE state IN ('created', 'retry') GROUP BY name`,
      );
      this.reset();
      for (const r of rows) this.set({ queue: r.name }, r.n);
    },
  });
  new Gauge({
    name: "wave_queue_oldest_age_seconds",
    help: "Age of the oldest waiting job per queue.",
    labelNames: ["queue"],
    registers: [registry],
    async collect() {
      const rows = await query<{ name: string; age: number }>(
        `SELECT name, EXTRACT(EPOCH FROM now() - min(created_on))::float8 AS age FROM pgboss.job WHERE state IN ('created', 'retry') GROUP BY name`,
      );
      this.reset();
      for (const r of rows) this.set({ queue: r.name }, r.age);
    },
  });
  new Gauge({
    name: "wave_stories",
    help: "Stories by status.",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const rows = await query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM stories GROUP BY status`);
      this.reset();
      for (const status of ["active", "held", "killed", "done"]) this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
    },
  });
  new Gauge({
    name: "wave_gate_duration_seconds_avg",
    help: "Mean time a story spent in a state before its next transition, per state, over the last 7 days (from the audit trail).",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const rows = await query<{ state: string; avg: number }>(
        `SELECT from_state AS state, avg(EXTRACT(EPOCH FROM at - prev))::float8 AS avg FROM (
           SELECT from_state, at, lag(at) OVER (PARTITION BY story_id ORDER BY id) AS prev FROM audit_events
           WHERE story_id IS NOT NULL AND at > now() - interval '7 days' AND from_state IS NOT NULL AND from_state <> to_state) t
         WHERE prev IS NOT NULL GROUP BY from_state`,
      );
      this.reset();
      for (const r of rows) this.set({ state: r.state }, r.avg);
    },
  });
  new Gauge({
    name: "wave_model_tokens",
    help: "Model tokens by role and kind (input, output, cache_write, cache_read), all time.",
    labelNames: ["role", "kind"],
    registers: [registry],
    async collect() {
      const rows = await query<Record<string, string>>(
        `SELECT role, sum(input_tokens)::text AS input, sum(output_tokens)::text AS output, sum(cache_write_tokens)::text AS cache_write, sum(cache_read_tokens)::text AS cache_read FROM model_calls GROUP BY role`,
      );
      this.reset();
      for (const r of rows)
        for (const kind of ["input", "output", "cache_write", "cache_read"]) this.set({ role: r.role ?? "", kind }, Number(r[kind] ?? 0));
    },
  });
  new Gauge({
    name: "wave_model_cost_usd",
    help: "Model spend in USD by role, all time (unsettled reservations at their worst case).",
    labelNames: ["role"],
    registers: [registry],
    async collect() {
      const rows = await query<{ role: string; usd: string }>(
        `SELECT role, sum(COALESCE(cost_usd, CASE WHEN status = 'reserved' THEN worst_case_usd ELSE 0 END))::text AS usd FROM model_calls GROUP BY role`,
      );
      this.reset();
      for (const r of rows) this.set({ role: r.role }, Number(r.usd));
    },
  });
  new Gauge({
    name: "wave_sandboxes_running",
    help: "Sandbox containers of this deployment running now.",
    registers: [registry],
    async collect() {
      this.set(await sandboxCount().catch(() => 0));
    },
  });
  new Gauge({
    name: "wave_sandbox_exec_seconds_avg",
    help: "Mean time of a tool call inside the sandbox over builds of the last 7 days.",
    registers: [registry],
    async collect() {
      const rows = await query<{ avg: number | null }>(
        `SELECT avg((t->>'sandboxMs')::float8) / 1000 AS avg FROM story_changes c, jsonb_array_elements(c.tool_calls) t WHERE c.updated_at > now() - interval '7 days' AND t ? 'sandboxMs'`,
      );
      this.set(rows[0]?.avg ?? 0);
    },
  });
  const requests = new Counter({
    name: "wave_github_requests_total",
    help: "GitHub API requests this process made, by status.",
    labelNames: ["status"],
    registers: [registry],
  });
  const remaining = new Gauge({
    name: "wave_github_rate_limit_remaining",
    help: "The last x-ratelimit-remaining GitHub sent, by resource.",
    labelNames: ["resource"],
    registers: [registry],
  });
  return {
    registry,
    githubRequest(status, left, resource = "core") {
      requests.inc({ status: String(status) });
      const n = Number(left);
      if (left !== undefined && Number.isFinite(n)) remaining.set({ resource }, n);
    },
  };
}
