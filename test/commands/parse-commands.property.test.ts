import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/commands/parse-commands.js";

const poison = "/wave kill POISON";

/** Ordinary text: no markdown that opens or closes code, quotes or comments. */
// No line that would open a list: a command right after it would be the list item's lazy line, not prose.
// No line of dashes alone: after a paragraph it is a setext heading's underline (or a thematic break),
// which ends the paragraph, so a line after it is not lazy and does show as prose.
const prose = fc
  .stringMatching(/^[A-Za-z0-9 .,!?()éü日本ß✨-]{0,40}$/)
  .filter((line) => !/^\s*\//.test(line) && !/^\s*(?:-|\d{1,9}[.)])(?:\s|$)/.test(line) && !/^\s*-+\s*$/.test(line));
const indent = fc.constantFrom("", " ", "  ", "   ");
const poisonLine = indent.map((spaces) => `${spaces}${poison}`);
const inner = fc.array(fc.oneof(prose, poisonLine), { minLength: 1, maxLength: 4 });

const fenced = fc
  .record({
    char: fc.constantFrom("`", "~"),
    open: fc.integer({ min: 3, max: 5 }),
    extra: fc.integer({ min: 0, max: 2 }),
    lang: fc.constantFrom("", "ts", " bash", "yaml title=x"),
    lines: inner,
    indent,
  })
  .map(({ char, open, extra, lang, lines, indent }) =>
    [`${indent}${char.repeat(open)}${lang}`, ...lines, `${indent}${char.repeat(open + extra)}`].join("\n"),
  );

const quoted = fc
  .record({ depth: fc.integer({ min: 1, max: 3 }), space: fc.constantFrom("", " "), lines: inner, lazy: fc.boolean(), indent })
  .map(({ depth, space, lines, lazy, indent }) => {
    const quotedLines = lines.map((line) => `${indent}${">".repeat(depth)}${space}${line}`);
    // A lazy line continues the quote's paragraph only when there is one: after a bare `>` it starts a paragraph of its own, shown as prose.
    const continues = lazy && (lines.at(-1) ?? "").trim() !== "";
    return [...quotedLines, ...(continues ? [poison] : [])].join("\n");
  });

const inlineCode = fc
  .record({ ticks: fc.integer({ min: 1, max: 3 }), before: prose, after: prose })
  // The closing run shares the poison's line: alone at the start of a line, three backticks would open a fence instead.
  .map(({ ticks, before, after }) => `see ${before} ${"`".repeat(ticks)}\n${poison} ${"`".repeat(ticks)} ${after}`);

const htmlComment = fc.record({ lines: inner, before: prose }).map(({ lines, before }) => [`${before}<!--`, ...lines, "-->"].join("\n"));

const indentedCode = fc.record({ lines: inner }).map(({ lines }) => lines.map((line) => `    ${line.trimStart()}`).join("\n"));

const hidden = fc.oneof(fenced, quoted, inlineCode, htmlComment, indentedCode);
const visibleCommand = fc.constantFrom("/wave status", "/wave help", "/wave hold", "  /WAVE Status  ");
const visible = fc
  .record({ lead: fc.option(prose, { nil: undefined }), command: visibleCommand })
  .map(({ lead, command }) => (lead === undefined ? command : `${lead}\n${command}`));

type Segment = { kind: "hidden"; text: string } | { kind: "visible"; text: string };
const segment = fc.oneof(
  hidden.map((text): Segment => ({ kind: "hidden", text })),
  visible.map((text): Segment => ({ kind: "visible", text })),
  prose.map((text): Segment => ({ kind: "hidden", text })),
);
const lineEnding = fc.constantFrom("\n", "\r\n");

describe("parseCommands over random comments", () => {
  it("never finds a command inside code, quotes or HTML comments, and finds every visible one", () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 12 }), lineEnding, fc.boolean(), (segments, eol, trailing) => {
        const body =
          segments
            .map((s) => s.text)
            .join("\n\n")
            .replace(/\n/g, eol) + (trailing ? eol : "");
        const result = parseCommands(body);
        const visibleCount = segments.filter((s) => s.kind === "visible").length;
        if (visibleCount === 0) {
          expect(result).toEqual({ kind: "none" });
        } else if (visibleCount > 10) {
          expect(result).toEqual({ kind: "too-many", count: visibleCount, limit: 10 });
        } else {
          expect(result.kind).toBe("commands");
          if (result.kind !== "commands") return;
          expect(result.commands.every((command) => command.name !== "kill")).toBe(true);
          const expected = new Set(
            segments
              .filter((s) => s.kind === "visible")
              .map((s) => s.text.trim().split("\n").at(-1)?.trim().split(/\s+/)[1]?.toLowerCase()),
          );
          expect(new Set(result.commands.map((command) => command.name))).toEqual(expected);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), (body) => {
        expect(["none", "commands", "invalid", "too-many", "contradiction"]).toContain(parseCommands(body).kind);
      }),
      { numRuns: 2000 },
    );
  });

  it("never throws on dense markdown fragments", () => {
    const token = fc.constantFrom(
      "```",
      "~~~",
      "`",
      "``",
      ">",
      "> ",
      "<!--",
      "-->",
      "/wave ",
      "/WAVE",
      "kill",
      "hold",
      "budget +1",
      "\n",
      "\r\n",
      "\r",
      " ",
      "    ",
      "\t",
      "x",
      "<pre>",
      "</pre>",
      "\\",
      "- ",
      "1. ",
      "\uFEFF",
      "\u00a0",
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 80 }), (tokens) => {
        const result = parseCommands(tokens.join(""));
        expect(result).toBeTypeOf("object");
      }),
      { numRuns: 3000 },
    );
  });
});
