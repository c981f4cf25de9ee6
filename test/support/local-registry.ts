import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./test-keys.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/registry", import.meta.url));
const VERDACCIO = fileURLToPath(new URL("../../node_modules/verdaccio/bin/verdaccio", import.meta.url));

/** A real npm registry (verdaccio) on loopback, private: every read needs the token. */
export interface LocalRegistry {
  url: string;
  /** host:port, the key of the egress proxy's credential map. */
  host: string;
  /** `Bearer …` for the registry's one user: what the operator would put in WAVE_EGRESS_AUTH. */
  authorization: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts verdaccio 6 as a child process with a temporary storage, access for authenticated users
 * only and no uplink (nothing from the public registry), creates a user, and publishes the
 * fixture packages (test/fixtures/registry/tarballs, whose integrity the fixture lockfiles pin).
 */
export async function startLocalRegistry(): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "wave-verdaccio-"));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const url = `http://${host}`;
  writeFileSync(
    join(dir, "config.yaml"),
    [
      `storage: ${join(dir, "storage")}`,
      "auth:",
      "  htpasswd:",
      `    file: ${join(dir, "htpasswd")}`,
      "    max_users: 10",
      "uplinks: {}",
      "packages:",
      "  '**':",
      "    access: $authenticated",
      "    publish: $authenticated",
      "log: { type: stdout, format: pretty, level: warn }",
      "",
    ].join("\n"),
  );
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [VERDACCIO, "--config", join(dir, "config.yaml"), "--listen", host], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => (await fetch(`${url}/-/ping`).catch(() => undefined))?.ok,
      60_000,
      `verdaccio on ${url} (${output.slice(-500)})`,
    );
    const user = await fetch(`${url}/-/user/org.couchdb.user:wave`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "wave", password: "wave-fixture-password" }),
    });
    const { token } = (await user.json()) as { token?: string };
    if (!token) throw new Error(`verdaccio gave no token (HTTP ${user.status})`);
    const authorization = `Bearer ${token}`;
    for (const file of readdirSync(join(FIXTURES, "tarballs"))) await publish(url, authorization, join(FIXTURES, "tarballs", file));
    return { url, host, authorization, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function publish(url: string, authorization: string, tarballPath: string): Promise<void> {
  const bytes = readFileSync(tarballPath);
  const name = /^(.*)-\d+\.\d+\.\d+\.tgz$/.exec(tarballPath.split("/").at(-1) ?? "")?.[1] ?? "";
  const manifest = JSON.parse(readFileSync(join(FIXTURES, "src", name, "package.json"), "utf8")) as { name: string; version: string };
  const file = `${manifest.name}-${manifest.version}.tgz`;
  const body = {
    _id: manifest.name,
    name: manifest.name,
    "dist-tags": { latest: manifest.version },
    versions: {
      [manifest.version]: {
        ...manifest,
        _id: `${manifest.name}@${manifest.version}`,
        dist: {
          tarball: `${url}/${manifest.name}/-/${file}`,
          shasum: createHash("sha1").update(bytes).digest("hex"),
          integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
        },
      },
    },
    _attachments: { [file]: { content_type: "application/octet-stream", data: bytes.toString("base64"), length: bytes.length } },
  };
  const res = await fetch(`${url}/${manifest.name}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`publishing ${file} to verdaccio: HTTP ${res.status} ${await res.text()}`);
}
