import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Runner, Workspace } from "../../src/sandbox/runner.js";
import type { OpenSessionResponse, Operation, Result, WireChangedFile } from "../../src/runner-actions/protocol.js";
import { RUNNER_PATH } from "../../src/runner-actions/protocol.js";

export interface ServeOptions {
  appUrl: string;
  jobId: string;
  /** The job's OIDC token; sent once, to open the session. */
  token: string;
  runner: Runner;
  log: { info(message: string): void; warning(message: string): void };
  /** Called with the session secret so the caller can mask it in the log. */
  onSecret?: (secret: string) => void;
}

/** The app refused this runner (a bad token, a second session…): the message is the app's own. */
export class SessionRefused extends Error {}

/**
 * The runner's side of the protocol: opens the session with the OIDC token, then polls for operations
 * and carries each out on the local Docker + gVisor backend until the app destroys the workspace or
 * ends the session. Nothing listens here; every connection is dialled out to the app.
 */
export async function serve(options: ServeOptions): Promise<{ operations: number }> {
  const base = `${options.appUrl.replace(/\/+$/, "")}${RUNNER_PATH}`;
  const opened = await fetch(`${base}/sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${options.token}`, "content-type": "application/json" },
    body: JSON.stringify({ job_id: options.jobId }),
  });
  if (opened.status !== 201) throw new SessionRefused(`The app refused this runner (${opened.status}): ${(await opened.text()).trim()}`);
  const session = (await opened.json()) as OpenSessionResponse;
  options.onSecret?.(session.session_secret);
  const at = `${base}/sessions/${session.session_id}`;
  const auth = { authorization: `Bearer ${session.session_secret}` };
  options.log.info(`Session ${session.session_id} open for job ${options.jobId}; heartbeat every ${session.heartbeat_ms} ms.`);

  let workspace: Workspace | undefined;
  let done = false;
  let operations = 0;
  const heartbeat = setInterval(() => {
    void fetch(`${at}/heartbeat`, { method: "POST", headers: auth }).catch(() => undefined);
  }, session.heartbeat_ms);
  const post = async (result: Result) => {
    const r = await fetch(`${at}/results`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify(result),
    });
    await r.body?.cancel();
  };
  const download = async (sid: string): Promise<Readable> => {
    const r = await fetch(`${at}/streams/${sid}`, { headers: auth });
    if (!r.ok || !r.body) throw new Error(`could not fetch stream ${sid} from the app (${r.status})`);
    return Readable.fromWeb(r.body as unknown as WebReadableStream<Uint8Array>);
  };
  const upload = (sid: string, stream: NodeJS.ReadableStream) =>
    fetch(`${at}/streams/${sid}`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/octet-stream" },
      body: Readable.toWeb(Readable.from(stream as AsyncIterable<Uint8Array>)) as unknown as RequestInit["body"],
      duplex: "half",
    } as RequestInit).then((r) => r.body?.cancel());

  const carryOut = async (op: Operation): Promise<unknown> => {
    if (op.op === "create") {
      if (workspace) throw new Error("this runner already holds its workspace");
      workspace = await options.runner.createWorkspace(op.spec, await download(op.tarball));
      return workspace.id;
    }
    if (op.op === "destroy") {
      done = true;
      await workspace?.destroy();
      workspace = undefined;
      return null;
    }
    const ws = workspace;
    if (!ws) throw new Error(`no workspace yet for ${op.op}`);
    switch (op.op) {
      case "exec": {
        const { stdin_b64, ...rest } = op.options;
        return ws.exec(op.argv, { ...rest, ...(stdin_b64 !== undefined ? { stdin: Buffer.from(stdin_b64, "base64") } : {}) });
      }
      case "readFile":
        return (await ws.readFile(op.path)).toString("base64");
      case "writeFile":
        await ws.writeFile(op.path, Buffer.from(op.content_b64, "base64"), op.mode !== undefined ? { mode: op.mode } : {});
        return null;
      case "exportChange": {
        const change = await ws.exportChange();
        const files: WireChangedFile[] = change.files.map(({ content, ...f }) => ({
          ...f,
          ...(content ? { content_b64: content.toString("base64") } : {}),
        }));
        return { patch: change.patch, files };
      }
      case "openStream": {
        if (!ws.openStream) throw new Error("this backend has no stream channel");
        const stream = await ws.openStream(op.argv, op.env ? { env: op.env } : {});
        const exitId = `${op.id}:exit`;
        void download(op.stdin)
          .then((input) => input.pipe(stream.stdin as NodeJS.WritableStream))
          .catch(() => stream.close());
        void upload(op.stdout, stream.stdout).catch(() => undefined);
        void upload(op.stderr, stream.stderr).catch(() => undefined);
        void stream.exit.then((code) => post({ id: exitId, ok: true, value: { code } }).catch(() => undefined));
        return { exitId };
      }
    }
  };

  let endedBy: string | undefined;
  try {
    while (!done) {
      const r = await fetch(`${at}/next`, { headers: auth });
      if (r.status === 204) continue;
      if (r.status !== 200) {
        endedBy = `The app ended the session before destroying its workspace (${r.status}): ${(await r.text()).trim()}`;
        break;
      }
      const op = (await r.json()) as Operation;
      operations++;
      // Carried out without blocking the poll: an open stream's exit and another call may overlap.
      void carryOut(op).then(
        (value) => post({ id: op.id, ok: true, value }),
        (error: unknown) => {
          const e = error instanceof Error ? error : new Error(String(error));
          return post({ id: op.id, ok: false, error: { name: e.name, message: e.message, ...hintOf(e) } });
        },
      );
    }
  } finally {
    clearInterval(heartbeat);
    await workspace?.destroy().catch(() => undefined);
  }
  // The app gave up on this runner (it missed heartbeats, or the app restarted): the job fails, visibly.
  if (endedBy) throw new Error(endedBy);
  return { operations };
}

function hintOf(error: Error): { hint?: string } {
  const hint = (error as { hint?: unknown }).hint;
  return typeof hint === "string" ? { hint } : {};
}
