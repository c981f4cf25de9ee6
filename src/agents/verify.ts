import type { Workspace } from "../sandbox/runner.js";
import { truncateMiddle } from "./truncate.js";

export interface VerifyResult {
  /** Exit code 0 and not timed out: the only thing that counts, not the model's claim. */
  passed: boolean;
  exitCode: number;
  timedOut: boolean;
  /** stdout and stderr, head and tail kept, for the developer's next turn and the status comment. */
  output: string;
  durationMs: number;
}

/**
 * Gate 4: runs the test command in the sandbox. The exit code decides.
 */
export async function runVerify(
  ws: Workspace,
  testCommand: string,
  options: { timeoutMs: number; maxOutputChars: number },
): Promise<VerifyResult> {
  const r = await ws.exec(["bash", "-lc", testCommand], {
    timeoutMs: options.timeoutMs,
    outputLimitBytes: Math.max(options.maxOutputChars * 8, 256_000),
  });
  const combined = [r.stdout.trimEnd(), r.stderr.trimEnd() ? `[stderr]\n${r.stderr.trimEnd()}` : ""].filter((s) => s !== "").join("\n");
  const note = r.timedOut
    ? `\n[the test command was killed after ${Math.round(options.timeoutMs / 1000)} s]`
    : r.oomKilled
      ? "\n[the test command was killed: out of memory]"
      : `\n[exit code ${r.exitCode}]`;
  const { text } = truncateMiddle(combined, Math.max(200, options.maxOutputChars - note.length));
  return {
    passed: r.exitCode === 0 && !r.timedOut && !r.oomKilled,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
    output: text + note,
    durationMs: r.durationMs,
  };
}
