import type { Html, Nodes, Root } from "mdast";
import { fromMarkdown } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";

/**
 * The lines of a comment that GitHub shows as the commenter's own prose,
 * the only place commands are read from (bors-ng #173, Prow #432). The body
 * is parsed with micromark (CommonMark + GFM, exact to the spec) instead of
 * stripped by hand; a line counts only when it is part of a paragraph at the
 * top level of the comment. Never read: fenced, indented and inline code
 * (also over several lines), HTML blocks and inline HTML, quotes (with their
 * lazy lines), lists, tables, footnotes, headings, and everything inside
 * `<details>` (GitHub shows it collapsed). Where GitHub hides more than
 * CommonMark says, more is ignored, never less: an unclosed `<!--` hides the
 * rest of the comment; raw HTML that leaves `<details>`, `<pre>`, `<table>`
 * or the like open hides everything after it; a paragraph with any such tag
 * in it is not read at all.
 *
 * Lines are returned as written in the source (escapes, emphasis markers and
 * all), with inline code and inline HTML replaced by a mark, so `\/wave`,
 * `*\/wave*` or `` `x` /wave `` never start a command.
 */

/** GitHub caps comments at 65,536 characters; anything past this is not read. */
export const maxCommentLength = 262_144;

/** Left where inline content was removed so that what follows is no longer at the start of a line. */
const removed = "\uFFFC";

/**
 * GFM's syntax tree extensions without the autolink-literal transform: it
 * walks the tree recursively (a stack overflow on thousands of nested list
 * markers) to turn bare URLs into links, which commands never need.
 */
const mdastExtensions = gfmFromMarkdown().map((extension) => ({ ...extension, transforms: [] }));

/** Inline nodes whose text a reader does not see as prose. */
const maskedInline = new Set(["inlineCode", "html", "image", "imageReference", "footnoteReference"]);

/**
 * A line that can be a command once read as prose: `/wave` after at most
 * three spaces (what parse-commands.ts accepts). Prose lines are source lines,
 * so a body with no such source line has no command, and needs no parse.
 */
const candidateLine = /^ {0,3}\/wave(?:\s|$)/gim;

/**
 * Where reading can stop: the first blank line after the last candidate line
 * (or the end). A blank line ends every paragraph, so nothing after it changes
 * whether an earlier line is paragraph prose: what spans it (a fence, an HTML
 * block, a comment) is still open at the cut and, unclosed, hides even more.
 */
function readUpTo(text: string): number {
  let last = -1;
  for (const match of text.matchAll(candidateLine)) last = match.index;
  if (last === -1) return -1;
  const blank = /\n[ \t]*\n/g;
  blank.lastIndex = last;
  const found = blank.exec(text);
  return found ? found.index + found[0].length : text.length;
}

/** The last body read and its lines: the webhook handler and the evaluation read the same comment, so it is parsed once. */
let memo: { body: string; lines: string[] } | null = null;

export function proseLines(body: string): string[] {
  if (memo?.body === body) return [...memo.lines];
  const lines = readProseLines(body);
  memo = { body, lines };
  return [...lines];
}

/**
 * The same reading without any shortcut: the whole body, no prefilter. Kept as the reference the fast path is tested against
 * (test/commands/prose-lines-shortcuts.property.test.ts); not for production use.
 */
export function proseLinesUnabridged(body: string): string[] {
  return readProseLines(body, true);
}

function readProseLines(body: string, unabridged = false): string[] {
  const whole = body
    .slice(0, maxCommentLength)
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n");
  let text = whole;
  if (unabridged) {
    if (!/\/wave/i.test(whole)) return [];
  } else {
    // A comment with no line that could be a command is not worth parsing.
    const end = readUpTo(whole);
    if (end === -1) return [];
    // Definitions (links, images, footnotes) may sit anywhere and change what is an image reference: then read it all.
    if (!/^ {0,3}\[[^\]\n]+\]:/m.test(whole.slice(end))) text = whole.slice(0, end);
  }
  let tree: Root;
  try {
    tree = fromMarkdown(text, { extensions: [gfm()], mdastExtensions: mdastExtensions });
  } catch {
    // Pathological nesting can exhaust the stack: a comment that cannot be read runs nothing (ignore more, never less).
    return [];
  }
  const comments = commentSpans(text);
  const lines: string[] = [];
  // Raw HTML left open (`<details>`, `<pre>`, `<table>`…) hides what follows it, as a browser reads it.
  const open = new Map<string, number>();
  // Raw HTML a browser reads on past its block (an unclosed `<!--`, an unfinished tag) hides up to here.
  let hiddenUntil = 0;
  for (const node of tree.children) {
    const html = rawHtml(node);
    const start = node.position?.start.offset ?? 0;
    const shown =
      node.type === "paragraph" &&
      start >= hiddenUntil &&
      ![...open.values()].some((n) => n > 0) &&
      !html.some((tag) => hidingTag.test(tag.value) || breaksParagraph.test(tag.value));
    if (shown) lines.push(...paragraphSource(text, node, comments).split("\n"));
    for (const tag of html) {
      countHiding(tag.value, open);
      const runsOn = runsOnTo(text, tag);
      // Run on out of a quote or a list, it swallows their closing tags: the container never ends.
      hiddenUntil = Math.max(hiddenUntil, runsOn > 0 && tag !== node ? text.length : runsOn);
    }
  }
  return lines;
}

/**
 * Every `<!--` to the next `-->` (or to the end when there is none), wherever
 * it stands: GitHub hides an unclosed one to the end of the comment, and one
 * whose end lies past a blank line even though CommonMark shows it as text.
 * The spans are masked out of the lines read, never out of the text parsed,
 * so hiding them cannot change the structure around them.
 */
function commentSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  let from = text.indexOf("<!--");
  while (from !== -1) {
    const close = text.indexOf("-->", from + 4);
    const end = close === -1 ? text.length : close + 3;
    spans.push([from, end]);
    from = text.indexOf("<!--", end);
  }
  return spans;
}

/** Elements whose content a reader does not see as prose: collapsed, preformatted, quoted, tabular, listed or not shown at all. */
const hiding =
  "details|pre|code|xmp|listing|plaintext|blockquote|table|ul|ol|li|dl|textarea|script|style|template|noscript|iframe|noembed|noframes|title|select|svg|math|object";
const hidingTag = new RegExp(`<\\/?(?:${hiding})(?![a-z0-9-])`, "i");
/** Tags that end an open paragraph when a browser reads them (HTML's "close a p element"), so the text after them is no paragraph. */
const breaksParagraph =
  /<\/?(?:address|article|aside|blockquote|center|details|dialog|dir|div|dl|dd|dt|fieldset|figcaption|figure|footer|form|header|hgroup|h[1-6]|hr|li|listing|main|menu|nav|ol|p|plaintext|pre|search|section|summary|table|ul|xmp)(?![a-z0-9-])/i;
const tagPattern = new RegExp(`<(\\/?)(${hiding})(?![a-z0-9-])`, "gi");

/** Counts, per element name, the hiding elements `html` opens and closes. */
function countHiding(html: string, open: Map<string, number>): void {
  for (const match of html.matchAll(tagPattern)) {
    const name = (match[2] ?? "").toLowerCase();
    open.set(name, Math.max(0, (open.get(name) ?? 0) + (match[1] ? -1 : 1)));
  }
}

/** The raw HTML nodes of a block and everything inside it, in order (iterative: lists nest thousands deep). */
function rawHtml(node: Nodes): Html[] {
  const found: Html[] = [];
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const next = stack.pop() as Nodes;
    if (next.type === "html") found.push(next);
    else if ("children" in next) for (let i = next.children.length - 1; i >= 0; i--) stack.push(next.children[i] as Nodes);
  }
  return found;
}

/**
 * Where raw HTML that a browser reads on past its block stops: a `<!--` not
 * closed in the block runs to the next `-->`, a tag left unfinished to the
 * next `>`. 0 when it ends with its block.
 */
function runsOnTo(text: string, node: Html): number {
  const end = node.position?.end.offset ?? 0;
  const lastOpen = node.value.lastIndexOf("<!--");
  const unclosedComment = lastOpen !== -1 && !node.value.includes("-->", lastOpen + 4);
  if (unclosedComment) {
    const close = text.indexOf("-->", end);
    return close === -1 ? text.length : close + 3;
  }
  if (/<\/?[a-z][^>]*$/i.test(node.value)) {
    const close = text.indexOf(">", end);
    return close === -1 ? text.length : close + 1;
  }
  return 0;
}

/** The paragraph's source text with hidden inline content masked, keeping line breaks. */
function paragraphSource(text: string, paragraph: Nodes, comments: [number, number][]): string {
  const start = paragraph.position?.start.offset ?? 0;
  const end = paragraph.position?.end.offset ?? start;
  const chars = text.slice(start, end).split("");
  for (const [from, to] of comments) {
    for (let i = Math.max(from, start); i < Math.min(to, end); i++) if (chars[i - start] !== "\n") chars[i - start] = removed;
  }
  const stack: Nodes[] = [paragraph];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    if (maskedInline.has(node.type)) {
      const from = (node.position?.start.offset ?? start) - start;
      const to = (node.position?.end.offset ?? start) - start;
      for (let i = from; i < to; i++) if (chars[i] !== "\n") chars[i] = removed;
    } else if ("children" in node) {
      for (const child of node.children) stack.push(child as Nodes);
    }
  }
  return chars.join("");
}
