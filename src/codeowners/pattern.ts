/**
 * One CODEOWNERS pattern as a matcher, by GitHub's rules ("About code owners"),
 * which differ from .gitignore's where libraries built on gitignore go wrong:
 * - `*` and `?` stay within one path segment; `**` crosses segments;
 * - a pattern with a `/` at its start or middle is anchored at the root, others match at any depth;
 * - a pattern matches a file, or a directory and everything under it (`apps/`, `/build/logs/`, `**\/logs`),
 *   except that a trailing `/*` matches only that directory's direct entries (`docs/*` owns
 *   `docs/a.md`, not `docs/build-app/b.md`);
 * - there is no `!` negation and no `[ ]` character class: `[`, `]` and `\` are literal characters.
 * Returns null for a pattern GitHub would not accept (`!` negation), so the caller can note the line.
 */
export function compilePattern(pattern: string): ((path: string) => boolean) | null {
  if (pattern.startsWith("!") || pattern.length === 0) return null;
  const directOnly = pattern.endsWith("/*") && !pattern.endsWith("/**/*");
  const directory = pattern.endsWith("/");
  const body = pattern.replace(/^\/+/, "").replace(/\/+$/, "");
  const anchored = pattern.startsWith("/") || body.includes("/");
  const segments = body.split("/");
  let source = "";
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === "**") {
      // `a/**/b` spans zero or more directories; a trailing `**` is everything below.
      source += last ? ".*" : "(?:[^/]+/)*";
      return;
    }
    source += segment
      .split("")
      .map((ch) => (ch === "*" ? "[^/]*" : ch === "?" ? "[^/]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")
      .replace(/(?:\[\^\/\]\*){2,}/g, ".*");
    if (!last) source += "/";
  });
  const prefix = anchored ? "^" : "^(?:[^/]+/)*";
  // A match of a directory owns what is under it, unless the pattern only names a directory's direct entries.
  const suffix = directOnly ? "$" : directory ? "/.*$" : "(?:/.*)?$";
  const regex = new RegExp(prefix + source + suffix, "s");
  return (path) => regex.test(path.replace(/^\/+/, ""));
}
