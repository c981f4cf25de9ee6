import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "../../src/store/embedded-postgres.js";
import { TEST_SECRET, testPrivateKey, waitFor } from "./test-keys.js";

export interface AppProcess {
  port: number;
  webhookUrl: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown hooks, no chance to finish anything. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Runs the app the way `npm start` does (node + tsx on src/main.ts), as its
 * own process, with GitHub at `githubHost` (GHE_HOST) and the given database.
 */
export async function spawnApp(options: {
  databaseUrl: string;
  githubHost: string;
  env?: Record<string, string>;
  entry?: string;
  nodeArgs?: string[];
}): Promise<AppProcess> {
  const port = await freePort();
  let out = "";
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/root",
    APP_ID: "1",
    PRIVATE_KEY: testPrivateKey(),
    WEBHOOK_SECRET: TEST_SECRET,
    DATABASE_URL: options.databaseUrl,
    GHE_HOST: options.githubHost,
    GHE_PROTOCOL: "http",
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.WAVE_TEST_LOG ?? "warn",
    LOG_FORMAT: "json",
    NODE_ENV: "test",
    ...options.env,
  };
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--enable-source-maps", "--import", "tsx", options.entry ?? "src/main.ts"],
    {
      env: env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}:\n${out}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/ping`)).ok;
      } catch {
        return false;
      }
    },
    60_000,
    "the app to answer /ping",
  );
  return {
    port,
    webhookUrl: `http://127.0.0.1:${port}/api/github/webhooks`,
    child,
    output: () => out,
    kill: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
