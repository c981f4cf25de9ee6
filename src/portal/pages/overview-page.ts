import type { Overview } from "../api/overview.js";
import type { StorySummary } from "../api/story-summary.js";
import { html, since, usd, type Html } from "./html.js";
import { layout, type PageChrome } from "./layout.js";

export interface OverviewView {
  overview: Overview;
  waiting: StorySummary[];
  stories: StorySummary[];
  nextCursor: string | null;
  filter: { status?: string | undefined; repository?: string | undefined; waiting?: boolean | undefined };
  repositories: string[];
  /** Owners (organisations) whose emergency stop this person may set or lift. */
  ownerOf: string[];
}

const STATES = ["active", "held", "killed", "done"] as const;

function statusBadge(s: StorySummary): Html {
  const label = s.waitingForHuman && s.status === "active" ? "waiting for approval" : s.status;
  return html`<span class="badge badge-${s.waitingForHuman ? "waiting" : s.status}">${label}</span>`;
}

function spend(s: StorySummary): Html {
  const share = s.capUsd ? Math.min(100, Math.round((s.spentUsd / s.capUsd) * 100)) : 0;
  return html`<span class="spend">${usd(s.spentUsd)} / ${usd(s.capUsd)}</span>
    <meter min="0" max="100" value="${share}" aria-label="share of the cap spent">${share}%</meter>`;
}

export function storyRows(stories: StorySummary[], empty: string): Html {
  if (stories.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          <th scope="col">Story</th>
          <th scope="col">Repository</th>
          <th scope="col">Gate</th>
          <th scope="col">State</th>
          <th scope="col">For</th>
          <th scope="col">Spend / cap</th>
        </tr>
      </thead>
      <tbody>
        ${stories.map(
          (s) =>
            html`<tr data-story="${s.id}">
              <td><a href="/wave/stories/${s.id}">#${s.issueNumber} ${s.title}</a></td>
              <td>${s.repository}</td>
              <td>${s.gate}</td>
              <td>${statusBadge(s)}</td>
              <td>${since(s.since)}</td>
              <td>${spend(s)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

function stopControls(view: OverviewView, csrf: string | null): Html {
  const banners = view.overview.stopped.map(
    (stop) =>
      html`<div class="banner banner-stop" role="alert">
        <strong>Emergency stop in ${stop.owner}</strong>: every story is
        held${stop.by ? html` (by @${stop.by}${stop.reason ? html`: ${stop.reason}` : ""})` : ""}.
        ${view.ownerOf.includes(stop.owner.toLowerCase()) ? html`<form method="post" action="/wave/orgs/${stop.owner}/resume-all" class="inline"><input type="hidden" name="csrf" value="${csrf ?? ""}" /><button type="submit">Resume all in ${stop.owner}</button></form>` : ""}
      </div>`,
  );
  const running = view.ownerOf.filter((owner) => !view.overview.stopped.some((s) => s.owner.toLowerCase() === owner));
  const buttons = running.map(
    (owner) =>
      html`<form method="post" action="/wave/orgs/${owner}/stop-all" class="stop-form">
        <label for="stop-reason-${owner}">Reason for stopping ${owner}</label>
        <input id="stop-reason-${owner}" name="reason" required maxlength="200" />
        <button type="submit" class="danger">Emergency stop ${owner}</button><input type="hidden" name="csrf" value="${csrf ?? ""}" />
      </form>`,
  );
  return html`${banners}${
    buttons.length
      ? html`<details class="owner-tools">
          <summary>Organisation controls</summary>
          ${buttons}
        </details>`
      : ""
  }`;
}

export function renderOverviewPage(chrome: PageChrome, view: OverviewView): string {
  const o = view.overview;
  const count = (status: string) => o.byState.filter((r) => r.status === status).reduce((n, r) => n + r.count, 0);
  const byRepo = [...new Set(o.byState.map((r) => r.repository))];
  const query = (extra: Record<string, string>) => {
    const p = new URLSearchParams();
    if (view.filter.status) p.set("state", view.filter.status);
    if (view.filter.repository) p.set("repository", view.filter.repository);
    if (view.filter.waiting !== undefined) p.set("waiting", String(view.filter.waiting));
    for (const [k, v] of Object.entries(extra)) p.set(k, v);
    return p.toString();
  };
  const body = html` ${stopControls(view, chrome.csrf)}
    <h1>What WAVE is doing</h1>
    <section aria-labelledby="totals-h">
      <h2 id="totals-h" class="visually-hidden">Totals</h2>
      <ul class="cards">
        <li><span class="n" data-count="active">${count("active")}</span> active</li>
        <li><span class="n" data-count="held">${count("held")}</span> held</li>
        <li><span class="n" data-count="waiting">${o.waiting}</span> waiting for a human</li>
        <li><span class="n">${usd(o.spentTodayUsd)}</span> spent today</li>
        <li><span class="n">${usd(o.spentWeekUsd)}</span> spent this week</li>
      </ul>
    </section>
    <section aria-labelledby="waiting-h">
      <h2 id="waiting-h">Waiting for a human</h2>
      ${storyRows(view.waiting, "Nothing waits for a person right now.")}
    </section>
    <section aria-labelledby="repos-h">
      <h2 id="repos-h">Stories by repository and state</h2>
      ${
        byRepo.length === 0
          ? html`<p class="empty">
              No stories yet. Label an issue <code>wave</code> in a repository where the app is installed to start one.
            </p>`
          : html`<div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Repository</th>
                    ${STATES.map((s) => html`<th scope="col">${s}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${byRepo.map(
                    (repo) =>
                      html`<tr>
                        <th scope="row">${repo}</th>
                        ${STATES.map((s) => html`<td>${o.byState.find((r) => r.repository === repo && r.status === s)?.count ?? 0}</td>`)}
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
    </section>
    <section aria-labelledby="all-h">
      <h2 id="all-h">All stories</h2>
      <form method="get" action="/wave/" class="filters">
        <label for="f-state">State</label>
        <select id="f-state" name="state">
          <option value="">any</option>
          ${STATES.map((s) => html`<option value="${s}" ${view.filter.status === s ? html` selected` : ""}>${s}</option>`)}
        </select>
        <label for="f-repo">Repository</label>
        <select id="f-repo" name="repository">
          <option value="">any</option>
          ${view.repositories.map((r) => html`<option${view.filter.repository === r ? html` selected` : ""}>${r}</option>`)}
        </select>
        <label for="f-waiting">Waiting for a human</label>
        <select id="f-waiting" name="waiting">
          <option value="">either</option>
          <option value="true" ${view.filter.waiting === true ? html` selected` : ""}>yes</option>
          <option value="false" ${view.filter.waiting === false ? html` selected` : ""}>no</option>
        </select>
        <button type="submit">Filter</button>
      </form>
      ${storyRows(view.stories, "No story matches.")}
      ${view.nextCursor ? html`<p><a class="button" rel="next" href="/wave/?${query({ cursor: view.nextCursor })}">Older stories</a></p>` : ""}
    </section>`;
  return layout(chrome, body);
}
