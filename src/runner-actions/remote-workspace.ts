import { PassThrough } from "node:stream";
import type { ChangedFile, ExecOptions, ExecResult, Workspace, WorkspaceChange, WorkspaceStream } from "../sandbox/runner.js";
import type { WireChangedFile, WireExecOptions } from "./protocol.js";
import type { RunnerSession } from "./runner-session.js";

/**
 * A workspace on an Actions runner, driven through its session exactly as a local container is:
 * every call is one operation the runner carries out on its own Docker + gVisor backend.
 */
export class RemoteWorkspace implements Workspace {
  private destroyed: Promise<void> | undefined;

  constructor(
    readonly id: string,
    private readonly session: RunnerSession,
    private readonly onDestroyed: () => void,
  ) {}

  exec(argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const wire: WireExecOptions = {
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.stdin !== undefined ? { stdin_b64: Buffer.from(options.stdin).toString("base64") } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.outputLimitBytes !== undefined ? { outputLimitBytes: options.outputLimitBytes } : {}),
    };
    return this.session.call<ExecResult>({ op: "exec", argv, options: wire });
  }

  async readFile(path: string): Promise<Buffer> {
    return Buffer.from(await this.session.call<string>({ op: "readFile", path }), "base64");
  }

  async writeFile(path: string, content: string | Buffer, options: { mode?: number } = {}): Promise<void> {
    await this.session.call({
      op: "writeFile",
      path,
      content_b64: Buffer.from(content).toString("base64"),
      ...(options.mode !== undefined ? { mode: options.mode } : {}),
    });
  }

  async exportChange(): Promise<WorkspaceChange> {
    const wire = await this.session.call<{ patch: string; files: WireChangedFile[] }>({ op: "exportChange" });
    return { patch: wire.patch, files: wire.files.map(fromWireFile) };
  }

  async openStream(argv: string[], options: { env?: Record<string, string> } = {}): Promise<WorkspaceStream> {
    const input = new PassThrough();
    const sid = this.session.offer(input);
    const stdout = this.session.expectUpload();
    const stderr = this.session.expectUpload();
    const { exitId } = await this.session.call<{ exitId: string }>({
      op: "openStream",
      argv,
      ...(options.env ? { env: options.env } : {}),
      stdin: sid,
      stdout: stdout.sid,
      stderr: stderr.sid,
    });
    const exit = this.session.awaitResult<{ code: number | null }>(exitId).then(
      (v) => v.code,
      () => null,
    );
    return {
      stdin: input,
      stdout: stdout.stream,
      stderr: stderr.stream,
      exit,
      close: () => input.end(),
    };
  }

  destroy(): Promise<void> {
    this.destroyed ??= (async () => {
      try {
        if (!this.session.lost) await this.session.call({ op: "destroy" });
      } catch {
        // A runner already gone took its sandbox with it.
      } finally {
        this.session.close(new Error("the workspace was destroyed"));
        this.onDestroyed();
      }
    })();
    return this.destroyed;
  }
}

function fromWireFile(f: WireChangedFile): ChangedFile {
  return {
    path: f.path,
    ...(f.previousPath !== undefined ? { previousPath: f.previousPath } : {}),
    status: f.status,
    ...(f.mode !== undefined ? { mode: f.mode } : {}),
    ...(f.content_b64 !== undefined ? { content: Buffer.from(f.content_b64, "base64") } : {}),
    binary: f.binary,
  };
}
