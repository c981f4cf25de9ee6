import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { WaveError } from "../../errors.js";
import { WORKSPACE_DIR } from "../labels.js";
import type { Workspace } from "../runner.js";
import { RESTORE_INSTALLED } from "./setup-scripts.js";

/**
 * Unpacks a dependency archive stream (made by installDependencies, possibly in another sandbox or on
 * another replica) into the agent's workspace, streaming it from the host's disk. The agent's
 * sandbox itself never had any channel out.
 */
export async function restoreDependencies(workspace: Workspace, archive: Readable, installed: string[]): Promise<void> {
  if (!workspace.openStream) throw new WaveError("This sandbox backend cannot restore dependencies (it has no stream channel).");
  const inWorkspace = installed.filter((p) => p.startsWith(`${WORKSPACE_DIR}/`)).map((p) => p.slice(WORKSPACE_DIR.length + 1));
  const stream = await workspace.openStream(["/bin/sh", "-c", RESTORE_INSTALLED, "wave-restore", ...inWorkspace]);
  let errors = "";
  (stream.stderr as Readable).on("data", (c: Buffer) => (errors += c.toString()));
  (stream.stdout as Readable).resume();
  await pipeline(archive, stream.stdin as NodeJS.WritableStream);
  const code = await stream.exit;
  if (code !== 0)
    throw new WaveError(
      `Cannot restore the installed dependencies into the sandbox: ${errors.trim().slice(0, 500) || `exit code ${String(code)}`}.`,
    );
}
