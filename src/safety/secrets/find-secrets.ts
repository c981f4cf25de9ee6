/** One credential found in a text. `preview` is redacted: it never carries the secret itself. */
export interface SecretHit {
  ruleId: "secrets.token" | "secrets.assignment";
  kind: string;
  index: number;
  preview: string;
}

const tokenPatterns: { kind: string; pattern: RegExp }[] = [
  { kind: "GitHub token", pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{50,255})\b/g },
  { kind: "AWS access key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}\b/g },
  { kind: "AWS secret key", pattern: /aws_?secret_?(?:access_?)?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
  { kind: "private key", pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { kind: "Anthropic API key", pattern: /\bsk-ant-[a-z]+[0-9]{0,3}-[A-Za-z0-9_-]{20,}/g },
  {
    kind: "OpenAI API key",
    pattern: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{16,}T3BlbkFJ[A-Za-z0-9_-]{16,}|\bsk-proj-[A-Za-z0-9_-]{40,}/g,
  },
  { kind: "Slack token", pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: "Stripe live key", pattern: /\b[rs]k_live_[A-Za-z0-9]{20,}/g },
  { kind: "Google API key", pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: "npm token", pattern: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: "GitLab token", pattern: /\bglpat-[A-Za-z0-9_-]{20,}\b/g },
  { kind: "Discord webhook", pattern: /https:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{6,}\/[A-Za-z0-9_-]{40,}/g },
  { kind: "Azure storage or service bus key", pattern: /\b(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{40,}={0,2}/g },
];

export const secretName =
  /(?:secret|token|passw(?:or)?d|passwd|pwd|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?|auth[_-]?key|client[_-]?secret|signing[_-]?key|session[_-]?key)/i;
const assignmentPattern = /([A-Za-z0-9_.-]*)["']?\s*(?::=|=>|=|:)\s*(["'`]?)([^\s"'`,;)]{12,})\2/g;
const urlPassword = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]{8,})@/gi;

const placeholderWords =
  /example|fake|dummy|placeholder|redacted|sample|changeme|change[-_]?me|not[-_]?a[-_]?real|your[-_]?\w*?[-_]?here|insert[-_]?\w*|replace[-_]?me|todo|x{4,}|\*{4,}/gi;

/**
 * A value that is a placeholder rather than a credential. Narrow on purpose
 * (issue 13: a "looks fake" word anywhere used to hide real keys): the value
 * is a template (`<token>`, `${TOKEN}`, `{{ token }}`), one repeated
 * character (`xxxxxxxx`, `00000000`, `********`), a counting run
 * (`1234567890`, `abcdef123456`), not random at all (entropy < 3 bits per
 * character), or placeholder words with no random run left once they are
 * removed (`AKIAIOSFODNN7EXAMPLE`, `sk_test_your_key_here`). A random run
 * next to the word `example` or `test` is still a credential.
 */
export function looksFake(value: string): boolean {
  const body = value.replace(/^[a-z]+[-_]/i, "");
  if (/^(<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\})$/.test(value)) return true;
  if (/^(.)\1+$/.test(body) || /^(0123456789|1234567890|abcdef0123456789|abcdef123456)+$/i.test(body) || entropy(body) < 3) return true;
  const stripped = value
    .replace(/^(gh[pousr]_|github_pat_|AKIA|ASIA|sk-ant-[a-z]+\d*-|sk-(proj-)?|xox[abposr]-|[rs]k_(live|test)_|AIza|npm_|glpat-|SG\.)/, "")
    .replace(placeholderWords, " ");
  if (
    stripped ===
    value.replace(
      /^(gh[pousr]_|github_pat_|AKIA|ASIA|sk-ant-[a-z]+\d*-|sk-(proj-)?|xox[abposr]-|[rs]k_(live|test)_|AIza|npm_|glpat-|SG\.)/,
      "",
    )
  )
    return false;
  return !stripped.split(/[\s\-_.:/]+/).some((seg) => seg.length >= 10 && /[0-9]/.test(seg) && /[A-Za-z]/.test(seg) && entropy(seg) >= 3);
}

/**
 * Finds credentials in text: known token formats anywhere, and high-entropy
 * literals assigned to secret-looking names. Labelled fakes are left out.
 */
export function findSecrets(text: string): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const { kind, pattern } of tokenPatterns) {
    for (const match of text.matchAll(pattern)) {
      const value = match[0];
      if (kind !== "private key" && looksFake(value)) continue;
      hits.push({ ruleId: "secrets.token", kind, index: match.index, preview: redact(value) });
    }
  }
  for (const match of text.matchAll(assignmentPattern)) {
    const name = match[1] ?? "";
    const value = match[3] ?? "";
    if (!secretName.test(name) || !isSecretLikeValue(value)) continue;
    if (hits.some((h) => Math.abs(h.index - match.index) < 200)) continue;
    hits.push({ ruleId: "secrets.assignment", kind: `value of ${name}`, index: match.index, preview: redact(value) });
  }
  // A credential hidden in base64 is still a credential.
  for (const match of text.matchAll(/[A-Za-z0-9+/]{28,}={0,2}/g)) {
    const decoded = decodeReadable(match[0]);
    if (decoded === null) continue;
    for (const hit of findSecrets(decoded))
      if (hit.ruleId === "secrets.token") hits.push({ ...hit, kind: `${hit.kind} (base64-encoded)`, index: match.index });
  }
  for (const match of text.matchAll(urlPassword)) {
    const value = match[1] ?? "";
    if (!isSecretLikeValue(value) || /^\$|^\{/.test(value)) continue;
    hits.push({ ruleId: "secrets.assignment", kind: "password in a URL", index: match.index, preview: redact(value) });
  }
  return hits;
}

function decodeReadable(value: string): string | null {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  return /^[\x20-\x7e\n\r\t]+$/.test(decoded) ? decoded : null;
}

export function isSecretLikeValue(value: string): boolean {
  if (/^(\$|\{\{|<|%\(|process\.env|os\.environ|env\.|ENV\[|secrets\.|vars\.|import\.meta)/.test(value)) return false;
  // `config.api.key` is a path, not a key; a dotted value with a long random segment (`SG.xxxx.yyyy`) is a key.
  const dottedPath =
    /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/.test(value) &&
    !value.split(".").some((seg) => seg.length >= 16 && /\d/.test(seg) && /[A-Za-z]/.test(seg));
  if (value.includes("(") || dottedPath || /^[a-z]+(_[a-z]+)+$/.test(value)) return false;
  if (looksFake(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  // Random material has a long run mixing letters and digits; `x-csrf-token-value-123` is words.
  const randomRun = value
    .split(/[-_.:/]/)
    .some((seg) => seg.length >= 10 && /[0-9]/.test(seg) && /[A-Za-z]/.test(seg) && entropy(seg) >= 3);
  if (!randomRun) return false;
  return (value.length >= 16 && entropy(value) >= 3.5) || (value.length >= 12 && classes(value) >= 3 && entropy(value) >= 3.2);
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function classes(value: string): number {
  return [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(value)).length;
}

export function redact(value: string): string {
  return `${value.slice(0, 4)}… (${value.length} chars)`;
}
