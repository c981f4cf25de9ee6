import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { proseLines, proseLinesUnabridged } from "../../src/commands/prose-lines.js";

/**
 * The parser's shortcuts (no parse without a line that could be a command,
 * reading only up to the blank line after the last one, one parse per body)
 * change no reading: over random bodies dense in the markdown that hides
 * text, with more markdown after the last command, the fast reading finds exactly the unabridged reading's
 * command lines, as written (prose lines that cannot be commands are not
 * read past the last one, by design).
 */
const commandLines = (lines: string[]) => lines.filter((l) => /^ {0,3}\/wave(?:\s|$)/i.test(l));
const token = fc.constantFrom(
  "/wave hold",
  "/wave kill now",
  "  /WAVE status",
  "x /wave approve",
  "```",
  "~~~",
  "`",
  "``",
  "> ",
  "<!--",
  "-->",
  "<!-- x -->",
  "<details>",
  "</details>",
  "<div>",
  "</div>",
  "<pre>",
  "| a | b |",
  "|---|---|",
  "- ",
  "1. ",
  "    ",
  "\t",
  "text",
  "*",
  "**",
  "~~",
  "_",
  "[link](x)",
  "![img][r]",
  "[r]: /u",
  "[^1]",
  "[^1]: note",
  "<span>",
  "<",
  "---",
  "===",
  "# ",
  "x\\",
  "",
);
const line = fc.array(token, { minLength: 0, maxLength: 4 }).map((tokens) => tokens.join(""));
const body = fc.array(line, { minLength: 1, maxLength: 20 }).map((lines) => lines.join("\n"));

const seed = Number(process.env.FC_SEED ?? 20261201);
const runs = 3000;

describe("prose-lines shortcuts (property: fast reading = unabridged reading)", () => {
  it(`reads the same lines as the unabridged parse in ${runs} random bodies`, () => {
    const bodies = fc.sample(body, { numRuns: runs, seed });
    let differences = 0;
    let read = 0;
    const first: { body: string; fast: string[]; whole: string[] }[] = [];
    for (const text of bodies) {
      const whole = commandLines(proseLinesUnabridged(text));
      const fast = commandLines(proseLines(text));
      if (whole.length > 0) read++;
      if (JSON.stringify(fast) !== JSON.stringify(whole)) {
        differences++;
        if (first.length < 3) first.push({ body: text, fast, whole });
      }
    }
    console.log(
      `prose-lines shortcuts property: ${bodies.length} bodies tried (seed ${seed}), ${read} with command lines, ${differences} differences`,
    );
    expect(first).toEqual([]);
    expect(read).toBeGreaterThan(runs / 10);
  });

  it("returns a fresh copy each time, so a caller cannot change the next reading", () => {
    const lines = proseLines("/wave hold\n");
    lines.push("/wave kill x");
    expect(proseLines("/wave hold\n")).toEqual(["/wave hold"]);
  });
});
