import pg from "pg";

export type Pool = pg.Pool;
export type Tx = pg.PoolClient;

/** BIGINT comes back as a JS number: GitHub ids fit well inside 2^53. */
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, application_name: "wave" });
  // An idle client that errors (e.g. the server restarted) must not crash the app.
  pool.on("error", () => undefined);
  return pool;
}

/** Runs `fn` in one transaction: committed if it returns, rolled back if it throws. */
export async function withTransaction<T>(pool: Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
