/**
 * What a check run says, independent of Octokit: the pure renderers in src/checks
 * and the safety layer produce it, `writeCheckRun` sends it.
 */
export type CheckStatus = "queued" | "in_progress" | "completed";

/** `neutral` and `skipped` satisfy a required check, so blocking states must not use them. */
export type CheckConclusion = "success" | "failure" | "action_required" | "cancelled" | "timed_out" | "neutral" | "skipped";

/** A requested-action button; GitHub allows three per run. */
export interface CheckAction {
  /** At most 20 characters (longer is cut). */
  label: string;
  /** At most 40 characters (longer is cut). */
  description: string;
  /** At most 20 characters; comes back in `check_run.requested_action`. */
  identifier: string;
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
  start_column?: number;
  end_column?: number;
}

export interface CheckRunPayload {
  /** e.g. "wave/gates". */
  name: string;
  status: CheckStatus;
  /** Required when `status` is "completed", absent otherwise. */
  conclusion?: CheckConclusion;
  title: string;
  /** Markdown; cut at 65,535 characters with a visible marker. */
  summary: string;
  /** Markdown under the summary; same limit. */
  text?: string;
  /** Required by GitHub for `action_required`: where the person acts. */
  detailsUrl?: string;
  /** Our own key, e.g. the story id, echoed back in check-run webhooks. */
  externalId?: string;
  /** Any number; sent 50 per request. */
  annotations?: CheckAnnotation[];
  actions?: CheckAction[];
}
