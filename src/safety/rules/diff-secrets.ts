import { findConcatenatedSecrets } from "../secrets/concatenated-secrets.js";
import { findSecrets } from "../secrets/find-secrets.js";
import { secretlintScan } from "../secrets/secretlint-scan.js";
import { isFixturePath } from "../paths/path-kinds.js";
import type { DiffRule } from "./diff-context.js";
import { violation } from "./violation.js";

const fakeLabel = /\b(fake|dummy|example|not[ _-]?a[ _-]?real|placeholder|redacted|mock(ed)?|test[ _-]?only|do not use|for tests?)\b/i;
const literal = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g;

/**
 * Credentials in added lines: the own token patterns and secret-named
 * assignments (find-secrets.ts), secretlint's recommended preset, and keys
 * split over several lines or assembled from constants (concatenation, line
 * continuations, templates). The one documented suppression: a key in a test
 * or fixture path (`isFixturePath`) with a fake label (`fake`, `dummy`,
 * `example`, `not a real`, `placeholder`, `for tests`…) within five lines.
 */
export const secretsDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    if (file.binary) continue;
    const lines = file.lines;
    const labelledFake = (index: number): boolean =>
      isFixturePath(file.path) && lines.slice(Math.max(0, index - 5), index + 6).some((l) => fakeLabel.test(l.text));
    const reported = new Set<string>();
    const report = (hit: ReturnType<typeof findSecrets>[number], index: number): void => {
      if (labelledFake(index) || reported.has(hit.preview)) return;
      reported.add(hit.preview);
      const line = lines[index]?.newLine ?? 1;
      const what = hit.ruleId === "secrets.token" ? `a ${hit.kind}` : `a secret-looking ${hit.kind}`;
      out.violations.push(
        violation(
          hit.ruleId,
          `Refused: ${file.path} would commit ${what} (${hit.preview}); use a secret store or an environment variable.`,
          { path: file.path, line },
        ),
      );
    };
    lines.forEach((l, index) => {
      if (l.kind !== "add") return;
      for (const hit of findSecrets(l.text)) report(hit, index);
    });
    // secretlint once over the added text of the file, its hits mapped back to their lines.
    const addedIndexes = lines.flatMap((l, i) => (l.kind === "add" ? [i] : []));
    const addedText = addedIndexes.map((i) => (lines[i] as { text: string }).text).join("\n");
    const starts: number[] = [];
    addedIndexes.reduce((at, i) => (starts.push(at), at + (lines[i] as { text: string }).text.length + 1), 0);
    for (const hit of secretlintScan(addedText, file.path)) {
      let n = 0;
      while (n + 1 < starts.length && (starts[n + 1] as number) <= hit.index) n++;
      report(hit, addedIndexes[n] as number);
    }
    const shown = lines.map((l, i) => ({ l, i })).filter(({ l }) => l.kind !== "del");
    for (const { hit, index } of findConcatenatedSecrets(
      shown.map(({ l }) => l.text),
      (n) => shown[n]?.l.kind === "add",
      file.path,
    ))
      report(hit, (shown[index] as { i: number }).i);
    // Runs of added lines, joined as a reader would: string literals concatenated, continuations removed.
    let run: number[] = [];
    const flush = (): void => {
      if (run.length > 1) {
        const texts = run.map((i) => (lines[i] as { text: string }).text);
        const literals = texts.flatMap((t) => [...t.matchAll(literal)].map((m) => m[1] ?? m[2] ?? m[3] ?? ""));
        // Neighbouring literals joined in windows, so unrelated strings around a split secret do not hide it.
        const windows: string[] = [];
        for (let size = 2; size <= 6; size++)
          for (let at = 0; at + size <= literals.length; at++) windows.push(literals.slice(at, at + size).join(""));
        const joined = texts.map((t) => t.replace(/\\$/, "").trim()).join("");
        for (const text of [...windows, joined]) for (const hit of findSecrets(text)) report(hit, run[0] as number);
        for (const hit of secretlintScan(joined, file.path)) report(hit, run[0] as number);
      }
      run = [];
    };
    lines.forEach((l, index) => {
      if (l.kind === "add") run.push(index);
      else if (l.kind === "context") flush();
    });
    flush();
  }
};
