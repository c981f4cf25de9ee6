import type { StoryDetail } from "../api/story-detail.js";
import { duration, html, usd, type Html } from "./html.js";
import { layout, type PageChrome } from "./layout.js";

/** Actions the page offers, each shown only to people the permission matrix allows. */
export type PortalAction = "hold" | "unhold" | "approve" | "retry" | "recycle" | "kill" | "budget";

const ARGUMENT: Partial<Record<PortalAction, { name: string; label: string; required: boolean }>> = {
  hold: { name: "reason", label: "Reason (optional)", required: false },
  kill: { name: "reason", label: "Reason", required: true },
  recycle: { name: "feedback", label: "Feedback for the developer", required: true },
  budget: { name: "usd", label: "Add USD", required: true },
};

function actionForm(storyId: string, action: PortalAction, csrf: string): Html {
  const arg = ARGUMENT[action];
  const id = `a-${action}`;
  return html`<form method="post" action="/wave/stories/${storyId}/${action}" class="action">
    <input type="hidden" name="csrf" value="${csrf}" />
    ${arg ? html`<label for="${id}">${arg.label}</label><input id="${id}" name="${arg.name}" ${arg.required ? html` required` : ""}${action === "budget" ? html` inputmode="decimal" pattern="[0-9]+(\\.[0-9]{1,2})?"` : html` maxlength="500"`} />` : ""}
    <button type="submit" ${action === "kill" ? html` class="danger"` : ""}>
      ${action === "budget" ? "Raise budget" : action[0]?.toUpperCase() + action.slice(1)}
    </button>
  </form>`;
}

function table(caption: string, head: string[], rows: Html[], empty: string): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll">
    <table>
      <caption class="visually-hidden">
        ${caption}
      </caption>
      <thead>
        <tr>
          ${head.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}

function planView(plan: unknown): Html {
  if (!plan || typeof plan !== "object") return html`<p class="empty">No plan yet.</p>`;
  const p = plan as {
    summary?: string;
    steps?: { title: string; detail: string }[];
    files_in_scope?: string[];
    acceptance_criteria?: string[];
    test_command?: string | null;
  };
  return html`<p>${p.summary ?? ""}</p>
    <ol>
      ${(p.steps ?? []).map((s) => html`<li><strong>${s.title}</strong> ${s.detail}</li>`)}
    </ol>
    ${p.files_in_scope?.length ? html`<p>Files: ${p.files_in_scope.map((f) => html`<code>${f}</code> `)}</p>` : ""}
    ${
      p.acceptance_criteria?.length
        ? html`<p>Acceptance criteria:</p>
            <ul>
              ${p.acceptance_criteria.map((c) => html`<li>${c}</li>`)}
            </ul>`
        : ""
    }
    ${p.test_command ? html`<p>Test command: <code>${p.test_command}</code></p>` : ""}`;
}

function commandText(input: unknown): string {
  if (input && typeof input === "object" && "command" in input) return String((input as { command: unknown }).command);
  const text = JSON.stringify(input) ?? "";
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function renderStoryPage(chrome: PageChrome, s: StoryDetail, actions: PortalAction[], flash: string | null): string {
  const commands = s.toolCalls.filter((t) => t.exitCode !== null);
  const body = html` <p class="crumbs"><a href="/wave/">Overview</a> › ${s.repository}</p>
    <h1>#${s.issueNumber} ${s.title}</h1>
    ${flash ? html`<div class="banner" role="status">${flash}</div>` : ""}
    <dl class="facts">
      <dt>State</dt>
      <dd>
        <span class="badge badge-${s.waitingForHuman ? "waiting" : s.status}" data-testid="story-state">${s.status}</span> at
        <strong data-testid="story-gate">${s.gate}</strong> (${s.step})
      </dd>
      ${
        s.holdReason
          ? html`<dt>Held because</dt>
              <dd data-testid="hold-reason">${s.holdReason}</dd>`
          : ""
      }
      <dt>Started by</dt>
      <dd>@${s.startedBy}</dd>
      <dt>Spend</dt>
      <dd>${usd(s.spentUsd)} of ${usd(s.capUsd)}</dd>
      <dt>Links</dt>
      <dd>
        <a href="${s.links.issue}">issue</a
        >${s.links.pullRequest ? html` · <a href="${s.links.pullRequest}">pull request</a>` : ""}${s.links.checks ? html` · <a href="${s.links.checks}">checks</a>` : ""}
      </dd>
    </dl>
    ${
      actions.length > 0 && chrome.csrf
        ? html`<section aria-labelledby="actions-h" class="actions">
            <h2 id="actions-h">Act on this story</h2>
            ${actions.map((a) => actionForm(s.id, a, chrome.csrf ?? ""))}
          </section>`
        : ""
    }
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">Gate timeline</h2>
      ${table(
        "Gate decisions",
        ["Gate", "Decision", "By", "Why", "At", "Took"],
        s.timeline.map(
          (t) =>
            html`<tr>
              <td>${t.gate}</td>
              <td>${t.decision}</td>
              <td>@${t.by}</td>
              <td>${t.why}</td>
              <td><time datetime="${t.at ?? ""}">${t.at?.slice(0, 19).replace("T", " ") ?? "—"}</time></td>
              <td>${duration(t.durationMs)}</td>
            </tr>`,
        ),
        "No decision yet.",
      )}
    </section>
    <section aria-labelledby="plan-h">
      <h2 id="plan-h">Plan</h2>
      ${planView(s.plan)}
    </section>
    <section aria-labelledby="calls-h">
      <h2 id="calls-h">Model calls</h2>
      ${table(
        "Model calls",
        ["Role", "Model", "Status", "Input tokens", "Output tokens", "Cost", "Latency"],
        s.modelCalls.map(
          (c) =>
            html`<tr>
              <td>${c.role}</td>
              <td>${c.model}</td>
              <td>${c.status}</td>
              <td>${c.inputTokens}</td>
              <td>${c.outputTokens}</td>
              <td>${usd(c.costUsd)}</td>
              <td>${duration(c.latencyMs)}</td>
            </tr>`,
        ),
        "No model call yet.",
      )}
    </section>
    <section aria-labelledby="tools-h">
      <h2 id="tools-h">Tool calls and their safety verdicts</h2>
      ${table(
        "Tool calls",
        ["Turn", "Tool", "Input", "Verdict", "Rule", "Why"],
        s.toolCalls.map(
          (t) =>
            html`<tr>
              <td>${t.turn}</td>
              <td>${t.tool}</td>
              <td><code>${commandText(t.input)}</code></td>
              <td><span class="badge badge-${t.decision}">${t.decision}</span></td>
              <td>${t.ruleIds.join(", ") || "—"}</td>
              <td>${t.reasons.join("; ")}</td>
            </tr>`,
        ),
        "No tool call yet.",
      )}
    </section>
    <section aria-labelledby="sandbox-h">
      <h2 id="sandbox-h">Sandbox commands</h2>
      ${table(
        "Sandbox commands",
        ["Command", "Exit code", "Took"],
        commands.map(
          (t) =>
            html`<tr>
              <td><code>${commandText(t.input)}</code></td>
              <td>${t.exitCode ?? "—"}</td>
              <td>${duration(t.sandboxMs)}</td>
            </tr>`,
        ),
        "No sandbox command yet.",
      )}
    </section>
    <section aria-labelledby="diff-h">
      <h2 id="diff-h">Diff</h2>
      ${s.diff ? html`<pre class="diff" tabindex="0" aria-label="The change">${s.diff}</pre>` : html`<p class="empty">No change yet.</p>`}
    </section>
    <section aria-labelledby="audit-h">
      <h2 id="audit-h">Audit trail</h2>
      ${table(
        "Audit trail",
        ["At", "Actor", "Event", "From", "To", "Detail"],
        s.audit.map(
          (a) =>
            html`<tr>
              <td><time datetime="${a.at}">${a.at.slice(0, 19).replace("T", " ")}</time></td>
              <td>@${a.actor}</td>
              <td>${a.event}</td>
              <td>${a.from ?? ""}</td>
              <td>${a.to ?? ""}</td>
              <td>${auditDetail(a.detail)}</td>
            </tr>`,
        ),
        "Nothing recorded yet.",
      )}
    </section>`;
  return layout({ ...chrome, title: `#${s.issueNumber} ${s.title}` }, body);
}

function auditDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  // Portal actions say "via the portal" in their note; their transitions carry the portal's delivery id.
  if (typeof detail.deliveryId === "string" && detail.deliveryId.startsWith("portal:") && !detail.note) parts.push("via the portal");
  for (const key of ["commands", "verdict", "note", "reason", "feedback"]) {
    const v = detail[key];
    if (v !== undefined && v !== null && v !== "") parts.push(`${key}: ${Array.isArray(v) ? v.join(", ") : String(v)}`);
  }
  return [...new Set(parts)].join("; ");
}
