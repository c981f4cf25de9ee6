/**
 * Prompt-injection sanitising of text from GitHub users before any model
 * reads it. Pure. What a person reading the rendered issue would not see is
 * taken out of the model's view and reported, so a story that hid text can
 * be flagged (and held, with `safety.hold_on_hidden_text`):
 *
 * - HTML comments (`<!-- … -->`, also one left open to the end);
 * - markdown comments (`[//]: # (…)`, `[comment]: <> (…)`);
 * - `<details>` blocks, collapsed by default (their summary stays visible);
 * - invisible characters: zero-width and joiners (U+200B–U+200F), word joiner
 *   and invisible operators (U+2060–U+2064), BOM (U+FEFF), soft hyphen, Mongolian
 *   vowel separator, and the tag characters U+E0000–U+E007F (which spell
 *   ASCII invisibly: they are decoded for the report);
 * - bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C).
 *
 * Modelled on the hidden-instruction attack on GitHub Copilot coding agent
 * reported by Trail of Bits (August 2025).
 */
export interface HiddenText {
  kind: "html-comment" | "markdown-comment" | "details" | "invisible-characters" | "tag-characters" | "bidi-controls";
  /** Characters removed. */
  chars: number;
  /** The start of what was hidden, printable ASCII only, for the status line (never markdown). */
  excerpt: string;
}

export interface Sanitized {
  visible: string;
  hidden: HiddenText[];
}

// U+200D (zero-width joiner) between two emoji builds one glyph (👩‍💻) and is visible; anywhere else it hides.
const invisible =
  /[\u200B\u200C\u2060-\u2064\uFEFF\u00AD\u180E\u115F\u1160\u3164\uFFA0]|\u034F|(?<!\p{Extended_Pictographic}\uFE0F?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;
const bidi = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/gu;
const tags = /[\u{E0000}-\u{E007F}]+/gu;

function excerpt(text: string): string {
  return text
    .replace(/[^A-Za-z0-9 .,:;!?'()/-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
}

export function sanitizeUntrusted(text: string): Sanitized {
  const hidden: HiddenText[] = [];
  let out = text;
  out = out.replace(tags, (run) => {
    const decoded = [...run].map((c) => String.fromCharCode((c.codePointAt(0) ?? 0xe0000) - 0xe0000)).join("");
    hidden.push({ kind: "tag-characters", chars: [...run].length, excerpt: excerpt(decoded) });
    return "";
  });
  const count = (re: RegExp, kind: HiddenText["kind"]): void => {
    const found = out.match(re);
    if (found && found.length > 0) {
      hidden.push({ kind, chars: found.length, excerpt: "" });
      out = out.replace(re, "");
    }
  };
  count(invisible, "invisible-characters");
  count(bidi, "bidi-controls");
  // Comments after the characters, so a comment opener split by zero-width spaces is still found.
  out = out.replace(/<!--[\s\S]*?(?:-->|$)/g, (c) => {
    hidden.push({ kind: "html-comment", chars: c.length, excerpt: excerpt(c.replace(/^<!--|-->$/g, "")) });
    return "";
  });
  out = out.replace(/^[ \t]*\[(?:\/\/|comment|[^\]\n]*)\]:\s*(?:#|<>)\s*(?:\([^\n]*\)|"[^\n]*"|'[^\n]*')[ \t]*$/gim, (c) => {
    hidden.push({ kind: "markdown-comment", chars: c.length, excerpt: excerpt(c.replace(/^[^(("']*[("']/, "")) });
    return "";
  });
  out = out.replace(/<details\b[^>]*>([\s\S]*?)(?:<\/details\s*>|$)/gi, (_block, inner: string) => {
    const summary = /<summary\b[^>]*>([\s\S]*?)<\/summary\s*>/i.exec(inner);
    const rest = inner.replace(/<summary\b[^>]*>[\s\S]*?<\/summary\s*>/i, "");
    hidden.push({ kind: "details", chars: rest.length, excerpt: excerpt(rest) });
    return `[collapsed section${summary ? ` "${excerpt(summary[1] ?? "")}"` : ""}: ${rest.length} characters not shown to the agents]`;
  });
  return { visible: out, hidden };
}

const labels: Record<HiddenText["kind"], string> = {
  "html-comment": "an HTML comment",
  "markdown-comment": "a markdown comment",
  details: "a collapsed <details> section",
  "invisible-characters": "invisible characters",
  "tag-characters": "invisible Unicode tag characters",
  "bidi-controls": "bidirectional control characters",
};

/** One line for the plan gate's status: "the issue contains hidden text: an HTML comment (212 chars: "ignore …")". */
export function describeHidden(hidden: HiddenText[]): string {
  const parts = hidden
    .slice(0, 4)
    .map(
      (h) =>
        `${labels[h.kind]} (${h.chars} char${h.chars === 1 ? "" : "s"}${h.excerpt ? `: "${h.excerpt.slice(0, 50)}${h.excerpt.length > 50 ? "…" : ""}"` : ""})`,
    );
  const more = hidden.length > 4 ? `, and ${hidden.length - 4} more` : "";
  return `the issue contains hidden text: ${parts.join(", ")}${more}; it was removed before any model read the story`;
}
