import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import pg from "pg";

const migrationsDir = fileURLToPath(new URL("../../migrations", import.meta.url));

/**
 * Brings the database schema up to date. Safe to call from several replicas at
 * boot: node-pg-migrate holds an advisory lock, and the others wait for it.
 */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: "up",
      migrationsTable: "wave_migrations",
      advisoryLockMode: "wait",
      singleTransaction: true,
      checkOrder: true,
      log,
      logger: { debug: () => undefined, info: log, warn: log, error: log },
    });
    return ran.map((m) => m.name);
  } finally {
    await client.end();
  }
}
