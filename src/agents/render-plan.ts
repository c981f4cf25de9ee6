import type { Plan } from "./plan.js";

/**
 * The plan as markdown for the status comment. Pure. Model text is inlined as
 * text: mentions are defused (no pings from a plan) and HTML comments are
 * broken so a plan cannot forge WAVE's hidden markers.
 */
export function renderPlanMarkdown(plan: Plan): string {
  const lines: string[] = [];
  lines.push(`**Plan.** ${inline(plan.summary)}`, "");
  lines.push("**Steps**", "");
  plan.steps.forEach((s, i) => lines.push(`${i + 1}. **${inline(s.title)}**${s.detail.trim() ? ` — ${inline(s.detail)}` : ""}`));
  lines.push("", "**Files in scope**", "");
  for (const f of plan.files_in_scope) lines.push(`- ${code(f)}`);
  lines.push("", "**Acceptance criteria**", "");
  for (const c of plan.acceptance_criteria) lines.push(`- [ ] ${inline(c)}`);
  lines.push("", "**Test command**", "");
  if (plan.test_command)
    lines.push(
      `${code(plan.test_command)} (${plan.test_command_source === "config" ? "from `test_command` in .github/wave.yml" : `detected: ${inline(plan.test_command_reason)}`})`,
    );
  else
    lines.push(
      `None found. Set \`test_command\` in .github/wave.yml${plan.test_command_suggestion ? `; the planner suggests ${code(plan.test_command_suggestion)}` : ""}.`,
    );
  if (plan.risks.length > 0) {
    lines.push("", "**Risks**", "");
    for (const r of plan.risks) lines.push(`- ${inline(r)}`);
  }
  return lines.join("\n");
}

/** One line of model text, safe to inline in markdown. */
function inline(text: string): string {
  return text
    .replace(/\s*\n\s*/g, " ")
    .replace(/<!--/g, "&lt;!--")
    .replace(/<(\/?[a-zA-Z])/g, "&lt;$1")
    .replace(/(^|[^\w`])@(?=[\w-])/g, "$1@\u200b")
    .trim();
}

/** An inline code span that survives backticks inside the text. */
function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, " ");
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((m) => m.length));
  const fence = "`".repeat(longest + 1);
  const pad = flat.startsWith("`") || flat.endsWith("`") ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}
