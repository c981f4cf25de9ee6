import { compilePattern } from "./pattern.js";

/** An owner as CODEOWNERS names one. */
export type Owner = { kind: "user"; login: string } | { kind: "team"; org: string; slug: string } | { kind: "email"; email: string };

export interface CodeownersRule {
  line: number;
  pattern: string;
  matches: (path: string) => boolean;
  /** Empty: the entry un-owns what it matches. */
  owners: Owner[];
}

export interface Codeowners {
  rules: CodeownersRule[];
  /** Lines GitHub would not use, and owners WAVE cannot resolve (emails), each with why. */
  notes: string[];
}

function readOwner(token: string): Owner | null {
  const team = /^@([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9][A-Za-z0-9_.-]*)$/.exec(token);
  if (team) return { kind: "team", org: team[1] ?? "", slug: (team[2] ?? "").toLowerCase() };
  const user = /^@([A-Za-z0-9][A-Za-z0-9-]*)$/.exec(token);
  if (user) return { kind: "user", login: user[1] ?? "" };
  if (/^[^@\s]+@[^@\s]+$/.test(token)) return { kind: "email", email: token };
  return null;
}

/** Parses a CODEOWNERS file. Pure: blank lines and `#` comments (inline ones too) are skipped. */
export function parseCodeowners(text: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const notes: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const content = raw.replace(/(^|\s)#.*$/, "").trim();
    if (content === "") return;
    const [pattern = "", ...tokens] = content.split(/\s+/);
    const matches = compilePattern(pattern);
    if (!matches) {
      notes.push(`line ${line}: \`${pattern}\` is not a pattern GitHub accepts (no \`!\` negation); the line is ignored.`);
      return;
    }
    const owners: Owner[] = [];
    for (const token of tokens) {
      const owner = readOwner(token);
      if (!owner) notes.push(`line ${line}: \`${token}\` is not an owner (\`@user\`, \`@org/team\` or an email); it is ignored.`);
      else owners.push(owner);
    }
    rules.push({ line, pattern, matches, owners });
  });
  return { rules, notes };
}

/** The owners of one path: the last matching rule's (GitHub: the last match wins), or none. */
export function ownersOf(codeowners: Codeowners, path: string): { rule: CodeownersRule | null; owners: Owner[] } {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (rule?.matches(path)) return { rule, owners: rule.owners };
  }
  return { rule: null, owners: [] };
}
