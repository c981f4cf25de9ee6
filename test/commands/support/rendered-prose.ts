import { micromark } from "micromark";
import { gfm, gfmHtml } from "micromark-extension-gfm";
import { parse, type DefaultTreeAdapterMap } from "parse5";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

/** Elements whose text a reader does not see as the commenter's own prose. */
const notProse = new Set(["blockquote", "details", "table", "pre", "code", "li", "script", "style", "textarea", "template"]);

/**
 * The lines a reader sees as paragraph prose, by the parser's own rendering:
 * micromark (CommonMark + GFM, raw HTML passed through as GitHub does) to
 * HTML, then parse5 reads that HTML as a browser would (an unclosed `<!--`
 * swallows the rest, `<details>` wraps what follows it). Only text in a `<p>`
 * outside quotes, lists, tables, details and code counts; the text of inline
 * code and inline HTML is replaced by a mark so what follows it is not at the
 * start of a line.
 */
export function renderedProseLines(body: string): string[] {
  const html = micromark(body, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
  const document = parse(html);
  const lines: string[] = [];
  const visit = (node: Node, hidden: boolean) => {
    if (!("childNodes" in node)) return;
    const element = node as Element;
    const tag = "tagName" in element ? element.tagName : "";
    const inside = hidden || notProse.has(tag);
    if (tag === "p" && !inside) {
      lines.push(...paragraphText(element).split("\n"));
      return;
    }
    for (const child of element.childNodes) visit(child, inside);
  };
  visit(document, false);
  return lines;
}

function paragraphText(element: Element): string {
  let text = "";
  for (const child of element.childNodes) {
    if (child.nodeName === "#text") text += (child as DefaultTreeAdapterMap["textNode"]).value;
    else if (child.nodeName === "br") text += "\n";
    else if (child.nodeName === "#comment") text += "\uFFFC";
    else if ("tagName" in child) text += notProse.has(child.tagName) ? "\uFFFC" : paragraphText(child);
  }
  return text;
}
