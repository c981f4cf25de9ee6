import { findSecrets, isSecretLikeValue, redact, secretName } from "./find-secrets.js";
import type { SecretHit } from "./find-secrets.js";
import { secretlintScan } from "./secretlint-scan.js";

const literal = String.raw`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'`;
const binding = new RegExp(
  String.raw`(?:^|[\s;,(])(?:(?:export\s+)?(?:const|let|var|final\s+String|String|static\s+final\s+String)\s+)?([A-Za-z_$][\w$]*)\s*(?::\s*\w+\s*)?(?::=|=(?![=>]))\s*(${literal})\s*[;,)]?\s*$`,
);
const part = String.raw`(?:[A-Za-z_$][\w$.]*|${literal})`;
const concatenation = new RegExp(String.raw`${part}(?:\s*(?:\+|\.\.|\s\.\s)\s*${part})+`, "g");
const template = /`((?:\$\{[A-Za-z_$][\w$]*\}|[^`$\\])+)`/g;

/**
 * Keys assembled from pieces: constants bound to string literals anywhere in
 * the visible code, joined with `+` (JS, Java, Python, C#), `..` (Lua), ` . `
 * (PHP, Perl) or a template (`${a}${b}`). Each assembled value is checked as
 * a token (own patterns and secretlint), and as a secret-looking value when
 * the line names a secret (`apiKey`, `setApiKey(`, `auth:`, `password`).
 */
export function findConcatenatedSecrets(
  lines: string[],
  isAdded: (index: number) => boolean,
  path: string,
): { hit: SecretHit; index: number }[] {
  const constants = new Map<string, string>();
  for (const line of lines) {
    const m = binding.exec(line);
    if (m) constants.set(m[1] as string, (m[2] as string).slice(1, -1));
  }
  const out: { hit: SecretHit; index: number }[] = [];
  const resolve = (token: string): string | null => (/^["']/.test(token) ? token.slice(1, -1) : (constants.get(token) ?? null));
  lines.forEach((line, index) => {
    if (!isAdded(index)) return;
    const assembled: string[] = [];
    for (const m of line.matchAll(concatenation)) {
      const parts = m[0].split(/\s*(?:\+|\.\.|\s\.\s)\s*/).map(resolve);
      if (parts.length >= 2 && parts.filter((p) => p !== null).length >= 2) assembled.push(parts.map((p) => p ?? "").join(""));
    }
    for (const m of line.matchAll(template)) {
      const body = m[1] as string;
      if (!body.includes("${")) continue;
      const value = body.replace(/\$\{([A-Za-z_$][\w$]*)\}/g, (_s, name: string) => constants.get(name) ?? "");
      if (value !== body) assembled.push(value);
    }
    for (const value of assembled) {
      if (value.length < 12) continue;
      const tokens = [...findSecrets(value).filter((h) => h.ruleId === "secrets.token"), ...secretlintScan(value, path)];
      if (tokens[0]) out.push({ hit: { ...tokens[0], kind: `${tokens[0].kind} (assembled from pieces)` }, index });
      else if (secretName.test(line) && isSecretLikeValue(value))
        out.push({ hit: { ruleId: "secrets.assignment", kind: "value assembled from pieces", index: 0, preview: redact(value) }, index });
    }
  });
  return out;
}
