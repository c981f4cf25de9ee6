import { sanitizeUntrusted } from "../agents/sanitize-untrusted.js";
import type { HiddenText } from "../agents/sanitize-untrusted.js";

/** What WAVE takes from an issue. Issue text is untrusted: it is data for the agents, never instructions. */
export interface Story {
  title: string;
  /** The body as a reader sees it: hidden text (HTML comments, invisible characters, collapsed sections) removed. */
  body: string;
  /** What the issue hid from a reader and was removed from `title`/`body`; absent on stories stored before it existed. */
  hiddenText?: HiddenText[];
  /** Task-list items (`- [ ] …`) of the issue body, checked or not. */
  acceptanceCriteria: string[];
  /** Issue labels that are configured domain labels, with the paths they allow. */
  domains: { label: string; paths: string[] }[];
  issueNumber: number;
  url: string;
}

/** GitHub's own limit for an issue body is 65,536 characters; WAVE takes a story up to this size. */
export const MAX_STORY_CHARS = 65_536;

export type ParseResult = { ok: true; story: Story } | { ok: false; reason: string };

const taskItem = /^\s*(?:[-*+]|\d+[.)])\s+\[( |x|X)\]\s+(.+?)\s*$/;
const fence = /^\s*(```|~~~)/;

/** Pure: turns an issue into a story, or says why it cannot. */
export function parseStory(
  issue: {
    number: number;
    title: string;
    body?: string | null;
    html_url: string;
    labels?: ({ name?: string } | string)[];
  },
  domainLabels: Record<string, string[]>,
): ParseResult {
  const cleanTitle = sanitizeUntrusted(issue.title);
  const cleanBody = sanitizeUntrusted((issue.body ?? "").replace(/\r\n?/g, "\n"));
  const title = cleanTitle.visible.trim();
  const body = cleanBody.visible;
  const hiddenText = [...cleanTitle.hidden, ...cleanBody.hidden];
  if (!title) return { ok: false, reason: "the issue has no title" };
  if (title.length + body.length > MAX_STORY_CHARS) {
    return {
      ok: false,
      reason: `the issue is ${title.length + body.length} characters long; WAVE takes stories of at most ${MAX_STORY_CHARS}. Move logs and long listings into attachments or linked files, then label the issue again`,
    };
  }
  const acceptanceCriteria: string[] = [];
  let inFence = false;
  for (const line of body.split("\n")) {
    if (fence.test(line)) inFence = !inFence;
    if (inFence) continue;
    const m = taskItem.exec(line);
    if (m?.[2]) acceptanceCriteria.push(m[2]);
  }
  const names = (issue.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? "")));
  const domains = names.filter((n) => n in domainLabels).map((label) => ({ label, paths: domainLabels[label] ?? [] }));
  return {
    ok: true,
    story: {
      title,
      body,
      acceptanceCriteria,
      domains,
      issueNumber: issue.number,
      url: issue.html_url,
      ...(hiddenText.length > 0 ? { hiddenText } : {}),
    },
  };
}
