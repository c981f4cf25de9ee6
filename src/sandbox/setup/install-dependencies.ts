import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { startEgressProxy, type EgressLogEntry } from "../../egress/egress-proxy.js";
import { FORWARDER_PORT, FORWARDER_READY, FORWARDER_SCRIPT } from "../../egress/forwarder-script.js";
import { bridgeToProxy } from "../../egress/stdio-bridge.js";
import { WaveError } from "../../errors.js";
import type { Workspace } from "../runner.js";
import type { SetupPlan } from "./detect-setup.js";
import { setupEnv } from "./setup-env.js";
import { PACK_INSTALLED } from "./setup-scripts.js";

/** What one install did: shown in the status comment and kept with the story when it fails. */
export interface InstallOutcome {
  exitCode: number;
  timedOut: boolean;
  durationMs: number;
  /** The end of the command's output (stderr after stdout), for the hold message. */
  logTail: string;
  /** Every host the setup asked for, allowed or refused. */
  egress: EgressLogEntry[];
}

export interface InstallOptions {
  timeoutMs: number;
  /** Host → Authorization header, added by the proxy (WAVE_EGRESS_AUTH); never passed into the sandbox. */
  auth?: Record<string, string>;
  onEgress?: (entry: EgressLogEntry) => void;
  /** Characters of output kept for the hold message. */
  tailChars?: number;
}

/**
 * Runs the setup command in `workspace` (a setup sandbox, never the agent's) with a channel to the
 * app's registry-only egress proxy for exactly as long as the command runs, then closes it. On
 * success the installed paths are packed into `archivePath`.
 */
export async function installDependencies(
  workspace: Workspace,
  plan: SetupPlan,
  archivePath: string,
  options: InstallOptions,
): Promise<InstallOutcome> {
  if (!workspace.openStream) throw new WaveError("This sandbox backend cannot run a setup phase (it has no stream channel).");
  const proxy = await startEgressProxy({
    registries: plan.registries,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.onEgress ? { onLog: options.onEgress } : {}),
  });
  const started = performance.now();
  let outcome: InstallOutcome;
  try {
    const forwarder = await workspace.openStream(["node", "-e", FORWARDER_SCRIPT, String(FORWARDER_PORT)]);
    const cut = bridgeToProxy({ stdout: forwarder.stdout, stdin: forwarder.stdin }, proxy.socketPath);
    try {
      await forwarderReady(forwarder.stderr as Readable, forwarder.exit);
      const result = await workspace.exec(["/bin/sh", "-c", plan.command], {
        env: setupEnv(plan),
        timeoutMs: options.timeoutMs,
        outputLimitBytes: 256 * 1024,
      });
      const tail = options.tailChars ?? 3000;
      const log = `${result.stdout.trimEnd()}\n${result.stderr.trimEnd()}`.trim();
      outcome = {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: Math.round(performance.now() - started),
        logTail: log.length > tail ? `…${log.slice(-tail)}` : log,
        egress: proxy.log,
      };
    } finally {
      cut();
      forwarder.close();
    }
  } finally {
    await proxy.close();
  }
  if (outcome.exitCode === 0) await packInstalled(workspace, plan.installed, archivePath);
  return outcome;
}

async function forwarderReady(stderr: Readable, exit: Promise<number | null>): Promise<void> {
  let seen = "";
  const ready = new Promise<void>((resolve, reject) => {
    stderr.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(FORWARDER_READY)) resolve();
    });
    void exit.then((code) =>
      reject(new WaveError(`The setup sandbox's egress forwarder stopped (exit ${String(code)}): ${seen.trim().slice(0, 500)}`)),
    );
  });
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new WaveError("The setup sandbox's egress forwarder did not start within 60 s.")), 60_000).unref(),
  );
  await Promise.race([ready, timer]);
}

async function packInstalled(workspace: Workspace, installed: string[], archivePath: string): Promise<void> {
  const stream = await (workspace.openStream as NonNullable<Workspace["openStream"]>)([
    "/bin/sh",
    "-c",
    PACK_INSTALLED,
    "wave-pack",
    ...installed,
  ]);
  stream.stdin.end();
  let errors = "";
  (stream.stderr as Readable).on("data", (c: Buffer) => (errors += c.toString()));
  await pipeline(stream.stdout as Readable, createWriteStream(archivePath));
  const code = await stream.exit;
  if (code !== 0)
    throw new WaveError(`Cannot pack the installed dependencies: ${errors.trim().slice(0, 500) || `exit code ${String(code)}`}.`);
}
