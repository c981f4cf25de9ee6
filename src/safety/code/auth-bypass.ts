import type { CodeFinding, CodeRule, CodeSource } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

/** Names of things that are secrets, compared against: not their type, length, strength or field name. */
const credentialName =
  /(passw(or)?d|passwd|\bpwd|passcode|passphrase|secret|api_?key|apikey|master_?key|admin_?key|\bpin\b)\w*(?<!(strength|policy|type|mode|field|label|hint|length|status|error|state|format|rule|kind|name|id|input|confirm|confirmation|reset|changed|expired|required|visible|hash|hashed|digest|salt|header|param|env|var|prefix|path|url|key_name))\b/i;
const literalCompare =
  /(===?|!==?|\.equals(IgnoreCase)?\s*\(|\bstrcmp\s*\(|\beq\b|\bis\b)\s*["']([^"'\s]{3,})["']|["']([^"'\s]{3,})["']\s*(===?|==)/;
const boringLiterals =
  /^(password|passwd|text|hidden|string|number|undefined|null|none|true|false|bearer|basic|digest|token|secret|plain|sha256|bcrypt|argon2|md5|required|empty|changeme)$/i;
/** Functions that decide who may do what. `checkDiskSpace` or `hasVowel` are not among them. */
export const authFunctionName =
  /(auth|login|logon|sign_?in|permi(t|ssion)|privileg|access|passw|credential|signature|session|role|admin|acl|allowed|entitle|csrf|jwt|oauth|sso|mfa|otp|captcha|token|verify|licen[cs]e)/i;
const functionHeader =
  /(?:\bfunction\s*\*?\s*(\w+)|\b(\w+)\s*[:=]\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::\s*[^=]+)?=>|\w+\s*=>)|\bdef\s+(\w+)|\bfunc\s+(?:\([^)]*\)\s*)?(\w+)|^\s*(?:(?:public|private|protected|static|final|async|override|virtual|internal)\s+)+[\w<>[\],.?]+\s+(\w+)\s*\(|^\s*(?:async\s+)?(\w+)\s*\([^)]*\)\s*(?::\s*[^{]+)?\{\s*$)/;
const returnsTrue = /\breturn\s+(true|True|TRUE|YES|1)\s*;?\s*(\/\/.*|#.*)?$|^\s*(true|True)\s*$/;

/** The name of the function a line is in, by the nearest header above it in the visible code, and the header's index. */
export function enclosingFunction(source: CodeSource, index: number): { name: string; at: number } | null {
  for (let i = index; i >= 0 && i >= index - 60; i--) {
    const m = functionHeader.exec(source.lines[i] as string);
    if (m) {
      const name = m.slice(1).find((g) => g !== undefined);
      if (name && !/^(if|for|while|switch|catch|return|function)$/.test(name)) return { name, at: i };
    }
  }
  return null;
}

/**
 * Authentication bypasses a rule can see: a credential compared with a
 * hard-coded literal (outside tests), and `return true` added to an
 * authentication or authorisation function, either as its first statement
 * or behind a comparison with a literal (a magic header, a master password).
 * A `return true` after a real check (`if (user.isAdmin) return true`) is not
 * reported. JS/TS files are read on the syntax tree (ast-checks.ts) instead.
 */
export const authBypassRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  const isTest = /(^|\/)(tests?|spec|__tests__|fixtures?)\/|[._-](test|spec)\.\w+$|_test\.\w+$|(^|\/)test_[^/]+$/.test(source.path);
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    const compare = literalCompare.exec(line);
    const literal = compare ? (compare[3] ?? compare[4] ?? "") : "";
    if (
      !isTest &&
      compare &&
      !boringLiterals.test(literal) &&
      credentialName.test(line.slice(Math.max(0, (compare.index ?? 0) - 60), (compare.index ?? 0) + compare[0].length + 60)) &&
      /\b(if|elif|unless|when|and|or|&&|\|\||return|\?)\b|^\s*(if|elif)\b|[?&|]/.test(line)
    ) {
      out.push({
        ruleId: "auth.hardcoded-credential",
        index,
        message: "Refused: a credential is compared with a hard-coded value, a backdoor anyone who reads the code can use.",
      });
      return;
    }
    if (source.language === "js" || !returnsTrue.test(line)) return;
    const fn = enclosingFunction(source, index);
    if (!fn || !authFunctionName.test(fn.name)) return;
    const previous = source.lines.slice(fn.at + 1, index).filter((l) => l.trim() !== "" && !isCommentLine(l));
    const first = previous.length === 0;
    const behindLiteral = /\b(if|elif|unless)\b[^\n]*(===?|==|\.equals\()\s*["'][^"']+["']/.test(
      `${source.lines[index - 1] ?? ""}\n${line}`,
    );
    if (first || behindLiteral) {
      out.push({
        ruleId: "auth.bypass",
        index,
        message: `Refused: ${fn.name} now returns true ${first ? "before checking anything" : "for a hard-coded value"}, so the check it makes can be bypassed.`,
      });
    }
  });
  return out;
};
