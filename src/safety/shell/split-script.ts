/** One logical line of a shell script, with the body of any here-document it opens. */
export interface ScriptLine {
  text: string;
  heredoc?: string;
}

/**
 * Splits a script into logical lines the way a shell reads them: newlines
 * inside quotes or `$(...)` do not end a line, a trailing backslash joins
 * lines, and a here-document's body belongs to the line that opened it.
 * Also reports unbalanced quotes, which a real shell would refuse.
 */
export function splitScript(script: string): { lines: ScriptLine[]; unbalanced: boolean } {
  const lines: ScriptLine[] = [];
  let current = "";
  let quote: "'" | '"' | "`" | null = null;
  let depth = 0;
  const raw = script.replace(/\r\n/g, "\n");
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i] as string;
    if (ch === "\\" && quote !== "'") {
      if (raw[i + 1] === "\n") {
        i += 2;
        continue;
      }
      current += ch + (raw[i + 1] ?? "");
      i += 2;
      continue;
    }
    if (quote) {
      if (ch === quote) quote = null;
      current += ch;
      i++;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      quote = ch;
      current += ch;
      i++;
      continue;
    }
    if (ch === "$" && raw[i + 1] === "(") depth++;
    else if (ch === ")" && depth > 0) depth--;
    if (ch === "#" && (current === "" || /\s$/.test(current)) && depth === 0) {
      // A comment runs to the end of the line.
      while (i < raw.length && raw[i] !== "\n") i++;
      continue;
    }
    if (ch === "\n" && depth === 0) {
      i++;
      const heredoc = heredocDelimiter(current);
      if (heredoc) {
        const body: string[] = [];
        while (i < raw.length) {
          const end = raw.indexOf("\n", i);
          const bodyLine = raw.slice(i, end === -1 ? raw.length : end);
          i = end === -1 ? raw.length : end + 1;
          if ((heredoc.dash ? bodyLine.replace(/^\t+/, "") : bodyLine) === heredoc.word) break;
          body.push(bodyLine);
        }
        lines.push({ text: current, heredoc: body.join("\n") });
      } else if (current.trim() !== "") {
        lines.push({ text: current });
      }
      current = "";
      continue;
    }
    current += ch;
    i++;
  }
  if (current.trim() !== "") lines.push({ text: current });
  return { lines, unbalanced: quote !== null || depth > 0 };
}

function heredocDelimiter(line: string): { word: string; dash: boolean } | null {
  const match = /<<(-?)\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\2/.exec(line.replace(/<<</g, "   "));
  if (!match) return null;
  return { word: match[3] as string, dash: match[1] === "-" };
}
