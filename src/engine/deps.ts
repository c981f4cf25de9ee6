import type PgBoss from "pg-boss";
import type { Pool } from "../store/db.js";

/** A pino-compatible logger (Probot's). */
export interface Log {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
}

/** What the orchestration layer needs: the database and the job queue. */
export interface EngineDeps {
  pool: Pool;
  boss: PgBoss;
  log: Log;
}

export const silentLog: Log = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };
