import { randomBytes, randomUUID } from "node:crypto";
import { PassThrough, type Readable } from "node:stream";
import { PathOutsideWorkspace, SandboxTimeout, SandboxUnavailable, WaveError } from "../errors.js";
import type { Operation, Result, WireError } from "./protocol.js";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Errors the runner reports by class name, rethrown in the app as the same class so callers' `instanceof` checks hold. */
const KNOWN: Record<string, new (message: string, options?: { hint?: string }) => WaveError> = {
  PathOutsideWorkspace,
  SandboxTimeout,
  SandboxUnavailable,
  WaveError,
};

export function fromWire(error: WireError): Error {
  const Kind = KNOWN[error.name];
  if (Kind) return new Kind(error.message, error.hint ? { hint: error.hint } : {});
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

/**
 * One connected runner serving one job: the operations waiting for it, the ones it is working on,
 * the byte streams either way, and when it was last heard from. Lost (every pending call rejected
 * with SandboxUnavailable) when its heartbeats stop or the session is closed.
 */
export class RunnerSession {
  readonly id = randomUUID();
  readonly secret = randomBytes(32).toString("base64url");
  lastSeen = Date.now();
  private readonly queue: Operation[] = [];
  private poller: ((op: Operation | undefined) => void) | undefined;
  private readonly pending = new Map<string, Pending>();
  /** App → runner bytes, fetched by the runner with GET …/streams/:sid. */
  private readonly outgoing = new Map<string, Readable>();
  /** Runner → app bytes, posted by the runner to POST …/streams/:sid. */
  private readonly incoming = new Map<string, PassThrough>();
  private lostWith: Error | undefined;
  private readonly lostListeners: ((error: Error) => void)[] = [];

  constructor(
    readonly jobId: string,
    readonly runId: string,
    readonly repository: string,
  ) {}

  get lost(): Error | undefined {
    return this.lostWith;
  }

  /** Sends one operation and waits for its result. */
  call<T = unknown>(op: DistributiveOmit<Operation, "id">): Promise<T> {
    if (this.lostWith) return Promise.reject(this.lostWith);
    const id = randomUUID();
    const full = { ...op, id } as Operation;
    const result = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.push(full);
    return result;
  }

  /** Waits for a later result under `id` (an open stream's `<op>:exit`). */
  awaitResult<T = unknown>(id: string): Promise<T> {
    if (this.lostWith) return Promise.reject(this.lostWith);
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }

  /** Offers a byte stream for the runner to fetch; returns its id. */
  offer(stream: Readable): string {
    const sid = randomUUID();
    this.outgoing.set(sid, stream);
    return sid;
  }

  /** A stream the runner will post bytes into. */
  expectUpload(): { sid: string; stream: PassThrough } {
    const sid = randomUUID();
    const stream = new PassThrough();
    this.incoming.set(sid, stream);
    return { sid, stream };
  }

  takeOutgoing(sid: string): Readable | undefined {
    const s = this.outgoing.get(sid);
    this.outgoing.delete(sid);
    return s;
  }

  takeIncoming(sid: string): PassThrough | undefined {
    const s = this.incoming.get(sid);
    this.incoming.delete(sid);
    return s;
  }

  /** The runner's long poll: the next operation, or undefined after `waitMs`. */
  next(waitMs: number): Promise<Operation | undefined> {
    this.seen();
    const op = this.queue.shift();
    if (op || this.lostWith) return Promise.resolve(op);
    this.poller?.(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.poller === done) this.poller = undefined;
        resolve(undefined);
      }, waitMs);
      const done = (o: Operation | undefined) => {
        clearTimeout(timer);
        this.poller = undefined;
        resolve(o);
      };
      this.poller = done;
    });
  }

  /** A result posted by the runner. */
  settle(result: Result): boolean {
    this.seen();
    const p = this.pending.get(result.id);
    if (!p) return false;
    this.pending.delete(result.id);
    if (result.ok) p.resolve(result.value);
    else p.reject(fromWire(result.error));
    return true;
  }

  seen(): void {
    this.lastSeen = Date.now();
  }

  onLost(listener: (error: Error) => void): void {
    if (this.lostWith) listener(this.lostWith);
    else this.lostListeners.push(listener);
  }

  /** Ends the session: every pending call fails with `error`, the runner's next poll is told to stop. */
  close(error: Error): void {
    if (this.lostWith) return;
    this.lostWith = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.poller?.(undefined);
    for (const s of this.outgoing.values()) s.destroy();
    for (const s of this.incoming.values()) s.destroy(error);
    this.outgoing.clear();
    this.incoming.clear();
    for (const l of this.lostListeners.splice(0)) l(error);
  }

  private push(op: Operation): void {
    if (this.poller) this.poller(op);
    else this.queue.push(op);
  }
}

/** The error pending calls get when the runner's heartbeats stop. */
export function runnerLost(session: RunnerSession, silentMs: number): SandboxUnavailable {
  return new SandboxUnavailable(
    `The Actions runner of job ${session.jobId} (run ${session.runId} of ${session.repository}) stopped answering: no heartbeat for ${Math.round(silentMs / 1000)} s (job cancelled, runner lost or timed out).`,
  );
}
