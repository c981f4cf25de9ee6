import { createHash, timingSafeEqual } from "node:crypto";
import type { ActionsClaims, ActionsTokenVerifier, TokenExpectation } from "../oidc/verify-actions-token.js";
import { RunnerTokenRefused } from "../oidc/verify-actions-token.js";
import { runnerLost, RunnerSession } from "./runner-session.js";

/** A dispatched job the app waits for a runner to serve. */
export interface ExpectedJob extends TokenExpectation {
  jobId: string;
  storyId: string;
}

export interface RunnerHubOptions {
  verifier: ActionsTokenVerifier;
  /** How often a runner sends a heartbeat (ms); three missed ones and it is lost. */
  heartbeatMs: number;
  /** Called when a session opens, is refused, or is lost: the audit trail and the app's log. */
  onEvent?: (event: HubEvent) => void;
}

export type HubEvent =
  | { kind: "opened"; job: ExpectedJob; runId: string; sessionId: string }
  | { kind: "refused"; jobId: string; storyId: string | null; reason: string }
  | { kind: "lost"; job: ExpectedJob; runId: string; reason: string };

/**
 * The app's side of every runner connection (in memory: the runner reaches the replica that dispatched
 * it through `app_url`). A job id is single-use: it is expected once (at dispatch), served by one
 * session at most, and forgotten once that session ends; a token is accepted once.
 */
export class RunnerHub {
  private readonly expected = new Map<string, { job: ExpectedJob; connected: (s: RunnerSession) => void }>();
  /** Job ids that had their session (or were cancelled): a second session for one is refused by name. */
  private readonly served = new Map<string, { what: string; at: number }>();
  private readonly sessions = new Map<string, { session: RunnerSession; job: ExpectedJob }>();
  /** Fingerprints of tokens that opened a session, until the token's own expiry (a replay after that fails on `exp`). */
  private readonly usedTokens = new Map<string, number>();
  private readonly monitor: NodeJS.Timeout;

  constructor(private readonly options: RunnerHubOptions) {
    this.monitor = setInterval(() => this.checkHeartbeats(), Math.max(50, Math.floor(options.heartbeatMs / 2)));
    this.monitor.unref();
  }

  get heartbeatMs(): number {
    return this.options.heartbeatMs;
  }

  /** How many runners are connected now. */
  get connectedCount(): number {
    return this.sessions.size;
  }

  /** Registers a dispatched job; `connected` resolves with its session when the runner opens it. */
  expect(job: ExpectedJob): { connected: Promise<RunnerSession>; cancel(): void } {
    let resolve!: (s: RunnerSession) => void;
    const connected = new Promise<RunnerSession>((r) => (resolve = r));
    this.expected.set(job.jobId, { job, connected: resolve });
    return {
      connected,
      cancel: () => {
        if (this.expected.delete(job.jobId)) this.served.set(job.jobId, { what: "the app stopped waiting for it", at: Date.now() });
      },
    };
  }

  /** `POST /wave/runner/sessions`: verifies the token against the job it names and opens the session, or throws RunnerTokenRefused. */
  async open(token: string, jobId: string): Promise<RunnerSession> {
    const waiting = this.expected.get(jobId);
    try {
      if (!waiting) {
        const before = this.served.get(jobId);
        throw new RunnerTokenRefused(
          before
            ? `Job ${jobId} already had its runner (${before.what}); one runner per job, a second session is refused.`
            : `No job ${jobId} was dispatched by this app; a token for it is refused.`,
        );
      }
      const fingerprint = tokenFingerprint(token);
      if (this.usedTokens.has(fingerprint))
        throw new RunnerTokenRefused("This OIDC token was already used to open a session; a replayed token is refused.");
      const claims: ActionsClaims = await this.options.verifier.verify(token, waiting.job);
      // Checked again after the await: two racing sessions for one job, only the first wins.
      if (this.expected.get(jobId) !== waiting || this.usedTokens.has(fingerprint))
        throw new RunnerTokenRefused(`Job ${jobId} already had its runner; one runner per job, a second session is refused.`);
      // Kept a minute past expiry: the verifier allows that much clock skew.
      const until = ((claims.exp ?? 0) + 60) * 1000;
      this.usedTokens.set(fingerprint, until);
      const runId = String(claims.run_id);
      this.expected.delete(jobId);
      this.served.set(jobId, { what: `run ${runId}`, at: Date.now() });
      const session = new RunnerSession(jobId, runId, waiting.job.repository);
      this.sessions.set(session.id, { session, job: waiting.job });
      session.onLost(() => this.sessions.delete(session.id));
      this.options.onEvent?.({ kind: "opened", job: waiting.job, runId, sessionId: session.id });
      waiting.connected(session);
      return session;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.options.onEvent?.({ kind: "refused", jobId, storyId: waiting?.job.storyId ?? null, reason });
      throw error;
    }
  }

  /** The session `id` if `secret` is its own. */
  session(id: string, secret: string): RunnerSession | undefined {
    const entry = this.sessions.get(id);
    if (!entry) return undefined;
    const digest = (s: string) => createHash("sha256").update(s).digest();
    return timingSafeEqual(digest(entry.session.secret), digest(secret)) ? entry.session : undefined;
  }

  close(): void {
    clearInterval(this.monitor);
    for (const { session } of this.sessions.values()) session.close(new Error("the app is shutting down"));
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    for (const [fingerprint, until] of this.usedTokens) if (until < now) this.usedTokens.delete(fingerprint);
    // A spent job id is remembered for a day, to name it when a late runner arrives; then it is just unknown.
    for (const [jobId, spent] of this.served) if (now - spent.at > 24 * 3600_000) this.served.delete(jobId);
    for (const { session, job } of [...this.sessions.values()]) {
      const silent = now - session.lastSeen;
      if (silent <= 3 * this.options.heartbeatMs) continue;
      const error = runnerLost(session, silent);
      this.options.onEvent?.({ kind: "lost", job, runId: session.runId, reason: error.message });
      session.close(error);
    }
  }
}

function tokenFingerprint(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
