/** Marker left where a command substitution was; `n` indexes `inner`. */
export const substitutionMarker = (n: number): string => `__WAVE_SUBST_${n}__`;

/**
 * Takes `$(...)`, backticks and `<(...)`/`>(...)` out of a line so the commands
 * inside are screened like any other, wherever they hide (double quotes
 * included, single quotes excluded, as in a real shell). Arithmetic `$((...))`
 * runs no command and becomes `0`.
 */
export function extractSubstitutions(line: string): { text: string; inner: string[] } {
  const inner: string[] = [];
  let out = "";
  let quote: "'" | '"' | null = null;
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === "\\" && quote !== "'") {
      out += ch + (line[i + 1] ?? "");
      i += 2;
      continue;
    }
    if (quote === "'") {
      if (ch === "'") quote = null;
      out += ch;
      i++;
      continue;
    }
    if (ch === "'" && quote === null) {
      quote = "'";
      out += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quote = quote === '"' ? null : '"';
      out += ch;
      i++;
      continue;
    }
    const opensParen = (ch === "$" || ((ch === "<" || ch === ">") && quote === null)) && line[i + 1] === "(";
    if (opensParen) {
      const arithmetic = ch === "$" && line[i + 2] === "(";
      const end = matchingParen(line, i + 1);
      const body = line.slice(i + 2, end);
      if (arithmetic) out += "0";
      else {
        out += substitutionMarker(inner.length);
        inner.push(body);
      }
      i = end + 1;
      continue;
    }
    if (ch === "`") {
      let end = i + 1;
      while (end < line.length && line[end] !== "`") end += line[end] === "\\" ? 2 : 1;
      out += substitutionMarker(inner.length);
      inner.push(line.slice(i + 1, end).replace(/\\`/g, "`"));
      i = end + 1;
      continue;
    }
    out += ch;
    i++;
  }
  return { text: out, inner };
}

/** Index of the `)` closing the `(` at `open`, honouring quotes and nesting; the end of the line when unbalanced. */
function matchingParen(line: string, open: number): number {
  let depth = 0;
  let quote: "'" | '"' | null = null;
  for (let i = open; i < line.length; i++) {
    const ch = line[i];
    if (ch === "\\" && quote !== "'") {
      i++;
      continue;
    }
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return line.length;
}
