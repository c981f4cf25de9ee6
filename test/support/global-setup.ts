import type { TestProject } from "vitest/node";
import pg from "pg";
import { startEmbeddedPostgres, withDatabase } from "../../src/store/embedded-postgres.js";
import { migrate } from "../../src/store/migrate.js";
import { installQueueSchema } from "../../src/jobs/queue.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplate: string;
  }
}

/**
 * One real Postgres for the whole run (embedded, or TEST_DATABASE_URL when set).
 * A template database is migrated once; each test file clones it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  let stop: () => Promise<void> = async () => undefined;
  if (!serverUrl) {
    const db = await startEmbeddedPostgres({ dataDir: `.wave/test-pg-${process.pid}`, persistent: false });
    serverUrl = db.url;
    stop = db.stop;
  }
  const template = `wave_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = withDatabase(serverUrl, template);
  await migrate(templateUrl);
  await installQueueSchema(templateUrl);
  project.provide("pgServerUrl", serverUrl);
  project.provide("pgTemplate", template);
  return async () => {
    await stop();
  };
}
