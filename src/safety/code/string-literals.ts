/** String literals on one line of code, in the quote styles of the common languages; `${…}`/`#{…}`/`{…}` holes become a run-time marker. */
export function stringLiterals(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/(?<![\w\\])(?:[fFrRbBuU]{0,2})("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)/g)) {
    const raw = (m[1] as string).slice(1, -1);
    out.push(raw.replace(/\$\{[^}]*\}|#\{[^}]*\}/g, "__WAVE_UNKNOWN__").replace(/\\(["'`\\])/g, "$1"));
  }
  return out;
}
