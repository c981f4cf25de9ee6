import type { RuleId } from "../rules/catalogue.js";

/**
 * Source text a code rule reads: the new side of a file as far as the change
 * shows it (context and added lines), or the inline code of a command. Rules
 * report only what touches an added line, so code that was already there is
 * not blamed on the change.
 */
export interface CodeSource {
  /** Repository path, or `<command>` for inline code in a command line. */
  path: string;
  language: CodeLanguage;
  lines: string[];
  /** Per line: whether the change adds it (always true for a command). */
  added: boolean[];
  /** New-side line numbers, for messages (1-based). */
  lineNumbers: number[];
}

export type CodeLanguage = "js" | "python" | "ruby" | "go" | "php" | "perl" | "c" | "java" | "shell" | "other";

/** One finding of a code rule, at an index into `CodeSource.lines`. */
export interface CodeFinding {
  ruleId: RuleId;
  index: number;
  /** One line: what the code does and why it is refused or flagged (no location; the caller adds it). */
  message: string;
}

export type CodeRule = (source: CodeSource) => CodeFinding[];

/** The language of a file by its name; `other` for text the code rules do not read (docs, data). */
export function languageOf(path: string): CodeLanguage | null {
  const name = path.split("/").pop() ?? path;
  if (/\.(md|mdx|markdown|rst|txt|adoc|html?|css|scss|svg|csv|lock|snap)$/i.test(name)) return null;
  if (/\.([cm]?[jt]sx?|vue|svelte)$/i.test(name)) return "js";
  if (/\.(py|pyw|pyi)$/i.test(name)) return "python";
  if (/\.(rb|rake|gemspec)$/i.test(name) || /^(Rakefile|Gemfile)$/.test(name)) return "ruby";
  if (/\.go$/i.test(name)) return "go";
  if (/\.(php|phtml)$/i.test(name)) return "php";
  if (/\.(pl|pm)$/i.test(name)) return "perl";
  if (/\.(c|h|cc|cpp|hpp|cxx)$/i.test(name)) return "c";
  if (/\.(java|kt|kts|scala|groovy|cs)$/i.test(name)) return "java";
  if (
    /\.(sh|bash|zsh|ksh|m4|ac|am|mk|ps1)$/i.test(name) ||
    /^(Makefile|GNUmakefile|Dockerfile|Containerfile|Justfile|justfile|configure|Procfile)$/.test(name) ||
    /^Dockerfile\./.test(name)
  )
    return "shell";
  if (/\.(ya?ml|toml|json|cfg|ini|conf|env)$/i.test(name)) return "other";
  return "other";
}

/** A whole text (a command's inline code) as a source every line of which is new. */
export function wholeSource(text: string, language: CodeLanguage, path = "<command>"): CodeSource {
  const lines = text.split("\n");
  return { path, language, lines, added: lines.map(() => true), lineNumbers: lines.map((_, i) => i + 1) };
}

/** Indices of lines within `radius` of `index`. */
export function window(source: CodeSource, index: number, radius: number): string {
  return source.lines.slice(Math.max(0, index - radius), index + radius + 1).join("\n");
}

/** Whether a line is only a comment in the usual syntaxes (so prose about an attack is not the attack). */
export function isCommentLine(line: string): boolean {
  return /^\s*(\/\/|#(?!!)|\*|\/\*|--\s|;|%|<!--)/.test(line);
}
