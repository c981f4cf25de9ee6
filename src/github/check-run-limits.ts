import { WaveError } from "../errors.js";
import type { CheckAction, CheckRunPayload } from "./check-run-payload.js";

/** GitHub's limits for check runs (REST reference, "Create a check run"). */
export const CHECK_LIMITS = {
  summary: 65_535,
  text: 65_535,
  title: 255,
  annotationsPerRequest: 50,
  actions: 3,
  actionLabel: 20,
  actionDescription: 40,
  actionIdentifier: 20,
} as const;

/** Cuts `value` to `max` characters, ending with a marker that says how much was left out. */
export function truncateWithMarker(value: string, max: number): string {
  if (value.length <= max) return value;
  const marker = (cut: number) => `\n\n… truncated: ${cut} more characters (GitHub allows ${max}).`;
  // The marker's own length depends on the count, so size it for the worst case.
  const keep = max - marker(value.length).length;
  return value.slice(0, keep) + marker(value.length - keep);
}

function cut(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}

function fitAction(action: CheckAction): CheckAction {
  if (action.identifier.length === 0 || action.identifier.length > CHECK_LIMITS.actionIdentifier) {
    throw new WaveError(`Check-run action identifier "${action.identifier}" must be 1 to ${CHECK_LIMITS.actionIdentifier} characters.`, {
      hint: "Shorten the identifier in the code that builds the action; GitHub rejects the whole check run otherwise.",
    });
  }
  return {
    label: cut(action.label, CHECK_LIMITS.actionLabel),
    description: cut(action.description, CHECK_LIMITS.actionDescription),
    identifier: action.identifier,
  };
}

/**
 * The payload made to fit GitHub's limits, or an error for what cannot be fixed by
 * cutting text (too many buttons, a missing conclusion, `action_required` without a link).
 */
export function fitCheckRunPayload(payload: CheckRunPayload): CheckRunPayload {
  const actions = payload.actions ?? [];
  if (actions.length > CHECK_LIMITS.actions) {
    throw new WaveError(`Check run ${payload.name} has ${actions.length} actions; GitHub allows ${CHECK_LIMITS.actions}.`, {
      hint: "Pass at most three requested actions (e.g. Approve, Hold, Unhold).",
    });
  }
  if ((payload.status === "completed") !== (payload.conclusion !== undefined)) {
    throw new WaveError(`Check run ${payload.name}: a conclusion goes with status "completed" and only with it.`);
  }
  if (payload.conclusion === "action_required" && !payload.detailsUrl) {
    throw new WaveError(`Check run ${payload.name} is action_required without a details URL.`, {
      hint: "GitHub requires details_url with action_required: link the status comment or the PR.",
    });
  }
  return {
    ...payload,
    title: cut(payload.title, CHECK_LIMITS.title),
    summary: truncateWithMarker(payload.summary, CHECK_LIMITS.summary),
    ...(payload.text === undefined ? {} : { text: truncateWithMarker(payload.text, CHECK_LIMITS.text) }),
    actions: actions.map(fitAction),
  };
}
