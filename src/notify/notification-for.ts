import type { NotificationEvent, NotificationSeverity, NotifyConfig } from "../config/sections/notify.js";
import type { StoryEvent } from "../story/events.js";

export interface Notification {
  event: NotificationEvent;
  severity: NotificationSeverity;
  text: string;
}

export interface TransitionFacts {
  event: StoryEvent;
  /** State names as the audit trail writes them (`plan.working`, `held@plan`, `killed`…). */
  from: string;
  to: string;
  /** Why the story is held or killed, when it is. */
  reason: string | null;
  repository: string;
  issueNumber: number;
  title: string;
  url: string;
}

/**
 * Pure: what a committed transition is worth telling people about, if
 * anything. The most specific reading wins (a safety block that holds the
 * story is a safety notification, not a plain hold).
 */
export function notificationFor(f: TransitionFacts): Notification | null {
  if (f.from === f.to) return null;
  const where = `<${f.url}|${f.repository}#${f.issueNumber}> ${f.title}`;
  const type = f.event.type;
  if (type === "EMERGENCY_STOP" || type === "EMERGENCY_RESUME") return null; // told once per organisation, not per story
  if (type === "SAFETY_BLOCKED" || type === "SAFETY_ESCALATED" || type === "PREFLIGHT_ESCALATED") {
    const blocked = type === "SAFETY_BLOCKED";
    const reason = "reason" in f.event ? f.event.reason : "";
    return {
      event: "safety",
      severity: blocked ? "critical" : "warning",
      text: `:warning: Safety ${blocked ? "blocked" : "escalated"} ${where}: ${reason}`,
    };
  }
  if (type === "BUDGET_EXHAUSTED")
    return { event: "budget-exhausted", severity: "warning", text: `:moneybag: Budget exhausted on ${where}: ${f.event.reason}` };
  if (f.to === "killed") return { event: "killed", severity: "warning", text: `:x: Killed ${where}${f.reason ? `: ${f.reason}` : ""}` };
  if (f.to.startsWith("held@"))
    return { event: "held", severity: "warning", text: `:double_vertical_bar: Held ${where}${f.reason ? `: ${f.reason}` : ""}` };
  if (type === "REVIEW_DONE")
    return {
      event: "pr-ready",
      severity: "info",
      text: `:white_check_mark: Pull request #${f.event.pullRequest} is ready for review: ${where}`,
    };
  if (f.to.endsWith(".approval"))
    return {
      event: "waiting-for-human",
      severity: "info",
      text: `:raising_hand: Waiting for \`/wave approve\` at ${f.to.split(".")[0]}: ${where}`,
    };
  return null;
}

export function emergencyNotification(
  kind: "stop" | "resume",
  owner: string,
  by: string,
  reason: string | null,
  stories: number,
): Notification {
  return kind === "stop"
    ? {
        event: "emergency-stop",
        severity: "critical",
        text: `:rotating_light: Emergency stop in ${owner} by @${by}${reason ? `: ${reason}` : ""}. ${stories} live stories held.`,
      }
    : {
        event: "emergency-resume",
        severity: "info",
        text: `:arrow_forward: Emergency stop lifted in ${owner} by @${by}; ${stories} live stories resume.`,
      };
}

const rank: Record<NotificationSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** Pure: the environment variables (one per channel) a notification goes to under the config's routes. */
export function routesFor(config: NotifyConfig, n: Notification, repo: string | null): string[] {
  const out = new Set<string>();
  for (const r of config.slack.routes) {
    if (!r.events.includes(n.event) || rank[n.severity] < rank[r.min_severity]) continue;
    if (repo !== null && r.repositories.length > 0 && !r.repositories.some((x) => x.toLowerCase() === repo.toLowerCase())) continue;
    out.add(r.webhook_env);
  }
  return [...out];
}
