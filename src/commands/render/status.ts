import type { PermissionLevel } from "../../config/sections/commands.js";
import { formatCents } from "../format-command.js";
import { levelName } from "./describe-rule.js";
import { inlineText, quietLogin } from "./escape.js";

/** One recorded command, as the audit store hands it over. */
export interface AuditEntry {
  at: Date;
  actor: string;
  /** The actor's standing when the command was decided; null when it was not looked up (see `auditRole`). */
  role: PermissionLevel | null;
  /** The commands as written back by `formatCommand`, or the raw line when it could not be parsed. */
  commands: string[];
  verdict: "accepted" | "refused" | "invalid";
  /** Why it was refused, or what it did, in a few words. */
  note?: string;
}

/** What the status reply shows about the story; the story core fills it. */
export interface StatusView {
  story: string;
  gate: string;
  state: string;
  hold: { by: string | null; reason: string | null } | null;
  emergencyStop: boolean;
  budget: { spentCents: number; capCents: number } | null;
  statusCommentUrl: string | null;
  /** Most recent first; the reply shows the first `limit`. */
  audit: readonly AuditEntry[];
}

/** The `/wave status` reply: where the story is, and the last few commands with their verdicts. */
export function renderStatus(view: StatusView, limit = 5): string {
  const lines = [
    `### WAVE status: ${inlineText(view.story, 120)}`,
    "",
    `- **Gate:** ${inlineText(view.gate, 40)} (${inlineText(view.state, 60)})`,
  ];
  if (view.emergencyStop) lines.push("- **Emergency stop:** on for the organisation; every story holds until `/wave resume-all`.");
  if (view.hold) {
    const by = view.hold.by ? ` by ${quietLogin(view.hold.by)}` : "";
    const reason = view.hold.reason ? `: ${inlineText(view.hold.reason)}` : "";
    lines.push(`- **On hold**${by}${reason}`);
  }
  if (view.budget) lines.push(`- **Budget:** ${formatCents(view.budget.spentCents)} of ${formatCents(view.budget.capCents)} USD spent`);
  if (view.statusCommentUrl) lines.push(`- [Full status](${view.statusCommentUrl})`);
  const recent = view.audit.slice(0, limit);
  lines.push("", "#### Last commands", "");
  if (recent.length === 0) {
    lines.push("None yet.");
  } else {
    lines.push("| when (UTC) | who | role | commands | verdict |", "|---|---|---|---|---|");
    for (const entry of recent) {
      const commands = entry.commands.map((command) => inlineText(command, 80)).join("<br>");
      const verdict = entry.note ? `${entry.verdict}: ${inlineText(entry.note, 120)}` : entry.verdict;
      lines.push(
        `| ${entry.at.toISOString().slice(0, 16).replace("T", " ")} | ${quietLogin(entry.actor)} | ${entry.role === null ? "–" : levelName(entry.role)} | ${commands} | ${verdict} |`,
      );
    }
  }
  return lines.join("\n");
}
