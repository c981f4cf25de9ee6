import { Lang, parse } from "@ast-grep/napi";
import type { SgNode } from "@ast-grep/napi";
import { authFunctionName, enclosingFunction } from "./auth-bypass.js";
import type { CodeFinding, CodeRule, CodeSource } from "./code-source.js";
import { mentionsInput, taintedNames } from "./input-flows.js";

const functionKinds = new Set([
  "function_declaration",
  "function_expression",
  "arrow_function",
  "method_definition",
  "generator_function_declaration",
  "function",
]);
const sqlMethods = /^(query|execute|raw|exec|prepare|run|all|get|unsafe|\$queryRawUnsafe|\$executeRawUnsafe|queryRaw)$/;
const sqlText = /\b(select\s.+\sfrom|insert\s+into|update\s+\w+\s+set|delete\s+from)\b/i;
const tlsKeys = /^["']?(rejectUnauthorized|strictSSL|verifySsl|verifySSL|sslVerify)["']?$/;

/**
 * Structural checks on JavaScript and TypeScript, on the syntax tree
 * (ast-grep's tree-sitter grammars) rather than on lines: `return true` in
 * an authentication function (unconditionally first, or behind a comparison
 * with a string literal), SQL built by concatenation or a template from
 * request input, and TLS verification turned off by an object key. The
 * visible code of a partial hunk parses with error recovery; what it cannot
 * place is left to the line rules.
 */
export const jsAstRule: CodeRule = (source) => {
  if (source.language !== "js") return [];
  const lang = /\.(tsx|jsx)$/.test(source.path) ? Lang.Tsx : /\.[cm]?js$/.test(source.path) ? Lang.JavaScript : Lang.TypeScript;
  let root: SgNode;
  try {
    root = parse(lang, source.lines.join("\n")).root();
  } catch {
    return [];
  }
  const out: CodeFinding[] = [];
  const added = (node: SgNode): number | null => {
    const line = node.range().start.line;
    return source.added[line] ? line : null;
  };
  for (const ret of root.findAll({ rule: { kind: "return_statement", regex: "^return\\s+true\\b" } })) {
    const index = added(ret);
    if (index === null) continue;
    const verdict = authReturn(ret, source, index);
    if (verdict)
      out.push({
        ruleId: "auth.bypass",
        index,
        message: `Refused: ${verdict.name} now returns true ${verdict.how}, so the check it makes can be bypassed.`,
      });
  }
  const tainted = taintedNames(source);
  for (const call of root.findAll({ rule: { kind: "call_expression" } })) {
    const index = added(call);
    if (index === null) continue;
    const callee = call.field("function");
    const name = callee?.kind() === "member_expression" ? (callee.field("property")?.text() ?? "") : (callee?.text() ?? "");
    if (!sqlMethods.test(name)) continue;
    const first = call
      .field("arguments")
      ?.children()
      .find((c) => c.isNamed());
    if (!first) continue;
    const built =
      first.kind() === "binary_expression" ||
      (first.kind() === "template_string" && first.children().some((c) => c.kind() === "template_substitution"));
    if (built && sqlText.test(first.text()) && mentionsInput(first.text(), tainted)) {
      out.push({
        ruleId: "security.sql-from-input",
        index,
        message:
          "Flagged: SQL is built by concatenation or a template from request input (SQL injection); pass the input as a query parameter.",
      });
    }
  }
  for (const pair of root.findAll({ rule: { kind: "pair" } })) {
    const index = added(pair);
    if (index === null) continue;
    if (tlsKeys.test(pair.field("key")?.text() ?? "") && pair.field("value")?.text() === "false") {
      out.push({
        ruleId: "security.tls-disabled",
        index,
        message: `Flagged: ${pair.text()} switches certificate verification off, which lets anyone on the network impersonate the server.`,
      });
    }
  }
  return out;
};

function functionName(fn: SgNode): string | null {
  const own = fn.field("name")?.text();
  if (own) return own;
  const parent = fn.parent();
  if (!parent) return null;
  if (parent.kind() === "variable_declarator") return parent.field("name")?.text() ?? null;
  if (parent.kind() === "pair") return parent.field("key")?.text() ?? null;
  if (parent.kind() === "assignment_expression") return parent.field("left")?.text().split(".").pop() ?? null;
  return null;
}

function authReturn(ret: SgNode, source: CodeSource, index: number): { name: string; how: string } | null {
  const fn = ret.ancestors().find((a) => functionKinds.has(String(a.kind())));
  if (!fn) {
    // The hunk did not show enough to build the function: judge by the nearest header, first statement only.
    const header = enclosingFunction(source, index);
    if (!header || !authFunctionName.test(header.name)) return null;
    const between = source.lines.slice(header.at + 1, index).filter((l) => l.trim() !== "");
    return between.length === 0 ? { name: header.name, how: "before checking anything" } : null;
  }
  const name = functionName(fn);
  if (!name || !authFunctionName.test(name)) return null;
  const body = fn.field("body");
  if (
    body &&
    ret.parent()?.id() === body.id() &&
    body
      .children()
      .filter((c) => c.isNamed() && c.kind() !== "comment")[0]
      ?.id() === ret.id()
  ) {
    return { name, how: "before checking anything" };
  }
  const guard = ret.ancestors().find((a) => a.kind() === "if_statement");
  if (guard && guard.ancestors().some((a) => a.id() === fn.id())) {
    const condition = guard.field("condition");
    const literalCompare = condition
      ?.findAll({ rule: { kind: "binary_expression", has: { kind: "string" } } })
      .some((b) => /^(===|==)$/.test(b.field("operator")?.text() ?? ""));
    if (literalCompare) return { name, how: "for a hard-coded value" };
  }
  return null;
}
