import { spawn } from "node:child_process";
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import type { ExecOptions, ExecResult, Workspace, WorkspaceChange } from "../../../src/sandbox/runner.js";

/**
 * A `Workspace` on a temporary directory of this machine, for agent tests
 * while the Docker + gVisor runner is not there (and for benches that measure
 * orchestration, not isolation). It runs commands with a bare environment and
 * kills the process group on timeout, like the real runner, but it is NOT a
 * sandbox: only fixture repositories and scripted models go through it.
 */
export async function localWorkspaceFrom(fixtureDir: string): Promise<Workspace & { root: string }> {
  const root = await mkdtemp(join(tmpdir(), "wave-ws-"));
  await cp(fixtureDir, root, { recursive: true });
  const inside = (p: string) => {
    const abs = resolve(root, p);
    if (abs !== root && !abs.startsWith(root + sep)) throw new Error(`path escapes the workspace: ${p}`);
    return abs;
  };
  const exec = (argv: string[], options: ExecOptions = {}): Promise<ExecResult> =>
    new Promise((done, reject) => {
      const started = performance.now();
      const [cmd, ...args] = argv;
      if (!cmd) return reject(new Error("empty argv"));
      const child = spawn(cmd, args, {
        cwd: inside(options.cwd ?? "."),
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: root, LANG: "C.UTF-8", ...options.env },
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
      const limit = options.outputLimitBytes ?? 1_000_000;
      let stdout = "";
      let stderr = "";
      let truncated = false;
      const take = (acc: string, chunk: Buffer): string => {
        if (acc.length >= limit) {
          truncated = true;
          return acc;
        }
        const next = acc + chunk.toString("utf8");
        if (next.length > limit) truncated = true;
        return next.slice(0, limit);
      };
      child.stdout.on("data", (c: Buffer) => (stdout = take(stdout, c)));
      child.stderr.on("data", (c: Buffer) => (stderr = take(stderr, c)));
      let timedOut = false;
      const timer = options.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              if (child.pid) process.kill(-child.pid, "SIGKILL");
            } catch {
              // already gone
            }
          }, options.timeoutMs)
        : undefined;
      child.on("error", reject);
      child.on("close", (code) => {
        if (timer) clearTimeout(timer);
        done({ exitCode: code ?? 137, stdout, stderr, timedOut, oomKilled: false, truncated, durationMs: performance.now() - started });
      });
      // A command that exits without reading stdin closes the pipe; that is not an error here.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.stdin ?? "");
    });
  await exec(["bash", "-c", "git init -q && git add -A && git -c user.email=w@x -c user.name=wave commit -qm baseline"]);
  return {
    id: root,
    root,
    exec,
    readFile: (p) => readFile(inside(p)),
    writeFile: async (p, content, options) => {
      const abs = inside(p);
      await mkdir(dirname(abs), { recursive: true });
      await writeFile(abs, content, options?.mode === undefined ? undefined : { mode: options.mode });
    },
    exportChange: async (): Promise<WorkspaceChange> => {
      await exec(["git", "add", "-A"]);
      const diff = await exec(["git", "diff", "--cached", "--binary"]);
      return { patch: diff.stdout, files: [] };
    },
    destroy: () => rm(root, { recursive: true, force: true }),
  };
}
