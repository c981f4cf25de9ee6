/**
 * The runner ↔ app protocol. The runner dials out (nothing on the runner listens): it opens a session
 * with its job's OIDC token, then long-polls for the next operation, posts each result, and sends
 * heartbeats; byte streams (the repository tarball, a setup stream's stdin and stdout) travel as
 * plain streamed HTTP bodies on their own paths. Every path is under `/wave/runner/`.
 */
export const RUNNER_PATH = "/wave/runner";

/** `repository_dispatch` event type the workflow listens for. */
export const DISPATCH_EVENT_TYPE = "wave-runner";

/** The dispatch's `client_payload`: which job to serve and where the app is. No secret travels in it. */
export interface DispatchPayload {
  job_id: string;
  app_url: string;
}

/** `POST /wave/runner/sessions` (Authorization: Bearer <the job's OIDC token>). */
export interface OpenSessionRequest {
  job_id: string;
}

/** The session's answer: its id and a secret for this session only (gone when the session ends). */
export interface OpenSessionResponse {
  session_id: string;
  session_secret: string;
  /** How often the runner sends a heartbeat; the app declares the runner lost after three missed ones. */
  heartbeat_ms: number;
  /** The longest the app holds a `next` request open before answering 204. */
  poll_ms: number;
}

/** Exec options as sent: stdin base64-encoded. */
export interface WireExecOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin_b64?: string;
  timeoutMs?: number;
  outputLimitBytes?: number;
}

/** What the sandbox spec carries to the runner (the limits are the story's `sandbox:` section). */
export interface WireSpec {
  storyId: string;
  jobId: string;
  deadlineMs?: number;
  limits?: Record<string, unknown>;
  image?: string;
}

/** One operation the app sends; the runner answers each with a `Result` of the same id. */
export type Operation =
  | { id: string; op: "create"; spec: WireSpec; tarball: string }
  | { id: string; op: "exec"; argv: string[]; options: WireExecOptions }
  | { id: string; op: "readFile"; path: string }
  | { id: string; op: "writeFile"; path: string; content_b64: string; mode?: number }
  | { id: string; op: "exportChange" }
  | { id: string; op: "openStream"; argv: string[]; env?: Record<string, string>; stdin: string; stdout: string; stderr: string }
  | { id: string; op: "destroy" };

/** An error as it crosses the wire: the class name lets the app rethrow the same kind (PathOutsideWorkspace…). */
export interface WireError {
  name: string;
  message: string;
  hint?: string;
}

/** `POST …/results`. For openStream, a second result with id `<id>:exit` carries the program's exit code. */
export type Result = { id: string; ok: true; value?: unknown } | { id: string; ok: false; error: WireError };

/** A changed file as sent: content base64-encoded. */
export interface WireChangedFile {
  path: string;
  previousPath?: string;
  status: "added" | "modified" | "deleted" | "renamed";
  mode?: "100644" | "100755" | "120000";
  content_b64?: string;
  binary: boolean;
}
