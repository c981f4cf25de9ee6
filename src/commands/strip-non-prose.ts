/**
 * Removes everything a reader does not see as the commenter's own words
 * before commands are looked for: fenced and indented code, inline code,
 * quotes (with their lazy continuation lines), HTML comments and raw HTML
 * blocks such as `<pre>`. Commands shown as examples or quoted from someone
 * else must never run (bors-ng #173, Prow #432).
 *
 * It follows CommonMark closely enough for that purpose and, where it cannot
 * be exact, removes more rather than less: a missed command gets a retry, a
 * command run by accident does not.
 */

/** GitHub caps comments at 65,536 characters; anything past this is not read. */
export const maxCommentLength = 262_144;

/** Left where inline content was removed so that what follows is no longer at the start of a line. */
const removed = "\uFFFC";

const fenceOpen = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const listFenceOpen = /^ {0,3}(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)+(`{3,}|~{3,})(.*)$/;
const quoteLine = /^ {0,3}(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*>/;
const indentedCode = /^(?: {4}| {0,3}\t)/;
const rawHtmlOpen = /^ {0,3}<(pre|script|style|textarea)(?:[\s>]|$)/i;

interface Fence {
  char: "`" | "~";
  length: number;
  /** Inside a list item the closing fence may be indented by any amount. */
  anyIndent: boolean;
}

/**
 * The comment's prose, one entry per source line; removed lines are empty.
 * Line endings (LF, CRLF, CR) are normalised and a leading byte-order mark is dropped.
 */
export function stripNonProse(body: string): string[] {
  const text = body.slice(0, maxCommentLength).replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  return stripInlineCode(stripBlocks(text.split("\n")));
}

function stripBlocks(lines: string[]): string[] {
  const out: string[] = [];
  let fence: Fence | null = null;
  let rawHtmlEnd: string | null = null;
  let inComment = false;
  let inQuote = false;
  for (const line of lines) {
    if (fence) {
      if (closesFence(line, fence)) fence = null;
      out.push("");
      continue;
    }
    if (rawHtmlEnd !== null) {
      if (line.toLowerCase().includes(rawHtmlEnd)) rawHtmlEnd = null;
      out.push("");
      continue;
    }
    let rest = line;
    if (inComment) {
      const end = rest.indexOf("-->");
      if (end < 0) {
        out.push("");
        continue;
      }
      inComment = false;
      rest = removed + rest.slice(end + 3);
    } else {
      if (rest.trim() === "") {
        inQuote = false;
        out.push("");
        continue;
      }
      const opened = openFence(rest);
      if (opened) {
        fence = opened;
        inQuote = false;
        out.push("");
        continue;
      }
      // A line after a quote line, with no blank line between, still belongs to the quote (lazy continuation).
      if (inQuote || quoteLine.test(rest)) {
        inQuote = true;
        out.push("");
        continue;
      }
      if (indentedCode.test(rest)) {
        out.push("");
        continue;
      }
      const html = rawHtmlOpen.exec(rest);
      if (html?.[1]) {
        const close = `</${html[1].toLowerCase()}>`;
        if (!rest.toLowerCase().includes(close)) rawHtmlEnd = close;
        out.push("");
        continue;
      }
    }
    const stripped = stripComments(rest);
    inComment = stripped.open;
    out.push(stripped.text);
  }
  return out;
}

function openFence(line: string): Fence | null {
  const list = listFenceOpen.exec(line);
  const match = list ?? fenceOpen.exec(line);
  const marker = match?.[1];
  if (!match || !marker) return null;
  const char = marker[0] === "`" ? "`" : "~";
  // A backtick fence's info string cannot hold a backtick; such a line is inline code instead.
  if (char === "`" && (match[2] ?? "").includes("`")) return null;
  return { char, length: marker.length, anyIndent: list !== null };
}

function closesFence(line: string, fence: Fence): boolean {
  const match = (fence.anyIndent ? /^\s*(`{3,}|~{3,})[ \t]*$/ : /^ {0,3}(`{3,}|~{3,})[ \t]*$/).exec(line);
  const marker = match?.[1];
  return marker !== undefined && marker[0] === fence.char && marker.length >= fence.length;
}

function stripComments(line: string): { text: string; open: boolean } {
  let text = "";
  let from = 0;
  // One pass with a moving start keeps a line of thousands of comments linear.
  for (;;) {
    const start = line.indexOf("<!--", from);
    if (start < 0) return { text: text + line.slice(from), open: false };
    const end = line.indexOf("-->", start + 4);
    if (end < 0) return { text: text + line.slice(from, start) + removed, open: true };
    text += line.slice(from, start) + removed;
    from = end + 3;
  }
}

/**
 * Code spans may run across lines within a paragraph, so they are matched per
 * paragraph (runs of non-empty lines). A span becomes one placeholder, which
 * joins the text after it to the line it started on: that text was never at
 * the start of a line.
 */
function stripInlineCode(lines: string[]): string[] {
  const out: string[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length === 0) return;
    const joined = paragraph.join("\n");
    out.push(...(joined.includes("`") ? removeCodeSpans(joined) : joined).split("\n"));
    paragraph = [];
  };
  for (const line of lines) {
    if (line === "") {
      flush();
      out.push("");
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out;
}

interface Run {
  start: number;
  length: number;
}

function removeCodeSpans(text: string): string {
  const runs: Run[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i];
    if (ch === "\\") {
      // An escaped backtick is a literal character, not the start of a run.
      i += 2;
    } else if (ch === "`") {
      let j = i;
      while (text[j] === "`") j++;
      runs.push({ start: i, length: j - i });
      i = j;
    } else {
      i++;
    }
  }
  // For each length, the indexes of the runs of that length, in order; a cursor per length keeps this linear.
  const byLength = new Map<number, number[]>();
  runs.forEach((run, index) => {
    const list = byLength.get(run.length);
    if (list) list.push(index);
    else byLength.set(run.length, [index]);
  });
  const cursor = new Map<number, number>();
  let result = "";
  let copied = 0;
  for (let k = 0; k < runs.length; ) {
    const run = runs[k];
    if (!run) break;
    const same = byLength.get(run.length) ?? [];
    let c = cursor.get(run.length) ?? 0;
    while (c < same.length && (same[c] ?? Infinity) <= k) c++;
    cursor.set(run.length, c);
    const closer = same[c];
    if (closer === undefined) {
      k++;
      continue;
    }
    const close = runs[closer];
    if (!close) break;
    result += text.slice(copied, run.start) + removed;
    copied = close.start + close.length;
    k = closer + 1;
  }
  return result + text.slice(copied);
}
