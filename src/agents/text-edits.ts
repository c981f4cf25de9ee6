/**
 * The text editor's edits as pure functions over a file's text. Each returns
 * the new text, or an error message meant for the model.
 */
export type EditResult = { ok: true; text: string; message: string } | { ok: false; error: string };

/** Exact replacement: `oldStr` must occur exactly once. */
export function strReplace(text: string, oldStr: string, newStr: string, path: string): EditResult {
  const first = text.indexOf(oldStr);
  if (first < 0)
    return {
      ok: false,
      error: `No replacement was performed: old_str did not appear verbatim in ${path}. View the file and copy the text exactly, whitespace included.`,
    };
  const second = text.indexOf(oldStr, first + 1);
  if (second >= 0) {
    const lines = occurrenceLines(text, oldStr);
    return {
      ok: false,
      error: `No replacement was performed: old_str occurs ${lines.length} times in ${path} (lines ${lines.join(", ")}). Include more surrounding lines so it is unique.`,
    };
  }
  const result = text.slice(0, first) + newStr + text.slice(first + oldStr.length);
  return { ok: true, text: result, message: `The file ${path} has been edited (1 replacement at line ${lineOf(text, first)}).` };
}

/** Inserts `insert` after line `afterLine` (0 = at the top). */
export function insertAt(text: string, afterLine: number, insert: string, path: string): EditResult {
  const lines = text.split("\n");
  // A trailing newline leaves an empty last element that is not a line of its own.
  const count = text.endsWith("\n") ? lines.length - 1 : lines.length;
  if (afterLine > count) return { ok: false, error: `insert_line ${afterLine} is past the end of ${path}, which has ${count} lines.` };
  const block = insert.endsWith("\n") ? insert.slice(0, -1).split("\n") : insert.split("\n");
  lines.splice(afterLine, 0, ...block);
  return {
    ok: true,
    text: lines.join("\n"),
    message: `The file ${path} has been edited (${block.length} lines inserted after line ${afterLine}).`,
  };
}

/** The file with `N: ` line-number prefixes, optionally a 1-based inclusive range (end -1 = to the end). */
export function numberedView(text: string, range?: [number, number]): EditResult {
  const lines = text.split("\n");
  if (text.endsWith("\n")) lines.pop();
  const start = range ? range[0] : 1;
  const end = range ? (range[1] === -1 ? lines.length : range[1]) : lines.length;
  if (start < 1 || start > Math.max(1, lines.length) || end < start || end > lines.length)
    return { ok: false, error: `view_range [${range?.join(", ")}] is outside the file's ${lines.length} lines.` };
  const width = String(end).length;
  const shown = lines.slice(start - 1, end).map((l, i) => `${String(start + i).padStart(width, " ")}: ${l}`);
  return { ok: true, text: shown.join("\n"), message: "" };
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

function occurrenceLines(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(needle); i >= 0 && out.length < 10; i = text.indexOf(needle, i + 1)) out.push(lineOf(text, i));
  return out;
}
