import { createHash } from "node:crypto";
import { execFile } from "node:child_process";
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** gVisor's release bucket; `runsc` and `runsc.sha512` sit side by side under each release. */
export const GVISOR_RELEASES = "https://storage.googleapis.com/gvisor/releases/release";

/** The runtimes `docker info` lists, with their arguments. */
export async function dockerRuntimes(): Promise<Record<string, { path?: string; runtimeArgs?: string[] }>> {
  const { stdout } = await run("docker", ["info", "--format", "{{json .Runtimes}}"]);
  return JSON.parse(stdout.trim() || "{}") as Record<string, { path?: string; runtimeArgs?: string[] }>;
}

/** Whether `runsc` is registered with Docker, and with `--network=none` (the sandbox must have no network, whatever the container asks). */
export function runscState(runtimes: Record<string, { path?: string; runtimeArgs?: string[] }>): "ready" | "missing" | "no-network-flag" {
  const r = runtimes.runsc;
  if (!r) return "missing";
  return (r.runtimeArgs ?? []).includes("--network=none") ? "ready" : "no-network-flag";
}

/** The hex SHA-512 of `bytes` checked against a `runsc.sha512` file (`<hex>  runsc`); throws naming both on a mismatch. */
export function verifySha512(bytes: Buffer, checksumFile: string, name = "runsc"): string {
  const expected = checksumFile.trim().split(/\s+/)[0]?.toLowerCase() ?? "";
  if (!/^[0-9a-f]{128}$/.test(expected))
    throw new Error(`The checksum file for ${name} holds no SHA-512 (${JSON.stringify(checksumFile.slice(0, 80))}).`);
  const actual = createHash("sha512").update(bytes).digest("hex");
  if (actual !== expected)
    throw new Error(
      `${name} does not match its release checksum: expected ${expected.slice(0, 16)}…, got ${actual.slice(0, 16)}…; not installed.`,
    );
  return actual;
}

/**
 * Makes sure Docker runs gVisor with no network: nothing when `runsc` is registered with `--network=none`;
 * otherwise downloads the release binary and its checksum, verifies it, installs it and registers it
 * (`runsc install -- --network=none`, then a Docker reload). Needs root (sudo on hosted runners).
 */
export async function ensureRunsc(
  log: (m: string) => void,
  options: { release?: string; arch?: string } = {},
): Promise<"present" | "installed"> {
  const state = runscState(await dockerRuntimes());
  if (state === "ready") {
    log("gVisor (runsc) is registered with Docker with --network=none.");
    return "present";
  }
  const arch = options.arch ?? (process.arch === "arm64" ? "aarch64" : "x86_64");
  const url = `${GVISOR_RELEASES}/${options.release ?? "latest"}/${arch}`;
  log(`gVisor is ${state === "missing" ? "not registered" : "registered without --network=none"}; installing runsc from ${url}.`);
  const [binary, checksum] = await Promise.all([download(`${url}/runsc`), download(`${url}/runsc.sha512`)]);
  verifySha512(binary, checksum.toString("utf8"));
  const dir = await mkdtemp(join(tmpdir(), "wave-runsc-"));
  const file = join(dir, "runsc");
  await writeFile(file, binary);
  await chmod(file, 0o755);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo"];
  const exec = (argv: string[]) => run(sudo[0] ?? argv[0] ?? "", sudo.length ? argv : argv.slice(1));
  await exec(["install", "-m", "0755", file, "/usr/local/bin/runsc"]);
  await exec(["/usr/local/bin/runsc", "install", "--", "--network=none"]);
  await exec(["systemctl", "reload", "docker"]).catch(() => exec(["systemctl", "restart", "docker"]));
  if (runscState(await dockerRuntimes()) !== "ready")
    throw new Error("runsc was installed but Docker still does not list it with --network=none.");
  return "installed";
}

async function download(url: string): Promise<Buffer> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`GET ${url} answered ${r.status}.`);
  return Buffer.from(await r.arrayBuffer());
}

export async function readChecksumFile(path: string): Promise<string> {
  return readFile(path, "utf8");
}
