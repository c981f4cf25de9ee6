import { isTestPath } from "../paths/path-kinds.js";
import type { DiffRule } from "./diff-context.js";
import { firstLine, newlyAddedLines } from "./diff-context.js";
import { violation } from "./violation.js";

const skipMarkers = [
  /\b(describe|it|test|context|suite|specify)\.(skip|todo|fixme)\s*[(`]/,
  /\b(xit|xdescribe|xtest|xcontext|xspecify)\s*\(/,
  /\.skipIf\s*\(\s*(true|1|!0|!false)\s*\)/,
  /\bthis\.skip\s*\(\s*\)/,
  /@pytest\.mark\.(skip|xfail)\b|pytestmark\s*=\s*pytest\.mark\.skip|\bpytest\.skip\s*\(/,
  /@unittest\.skip|raise\s+(unittest\.)?SkipTest/,
  /\bt\.Skip(f|Now)?\s*\(/,
  /#\[ignore\]/,
  /@(Disabled|Ignore)\b/,
  /^\s*(xit|xdescribe|pending)\b/,
];
const focusMarkers = /\b(describe|it|test|context|suite)\.only\s*\(|\b(fit|fdescribe)\s*\(/;
const literalValue = String.raw`(?:true|false|null|undefined|None|True|False|nil|-?\d+(?:\.\d+)?|"[^"]*"|'[^']*')`;
const trivialAssertions = [
  new RegExp(String.raw`\bexpect\s*\(\s*${literalValue}\s*\)`),
  new RegExp(String.raw`\bassert\s+(True|1|not\s+(False|None|0))\s*(#.*)?$`),
  new RegExp(String.raw`\bassert(?:True|\.ok|\.true|\.isTrue)?\s*\(\s*(true|True|1|!0)\s*\)`),
  new RegExp(
    String.raw`\b(?:assert(?:Equals?|_eq!|\.equal|\.strictEqual|\.deepEqual|\.deepStrictEqual|\.is)|assertEqual)\s*\(\s*(${literalValue})\s*,\s*\1\s*[,)]`,
  ),
  /\bassert!\s*\(\s*true\s*\)/,
];
/** Assertions that pass for almost any value: replacing a precise assertion with one of these weakens the test. */
const weakAssertion =
  /\.(toBeDefined|toBeTruthy|toBeFalsy)\(\s*\)|\.not\.(toBeNull|toBeUndefined|toThrow)\(\s*\)|expect\.anything\(\)|\bassert\s+\w+\s+is\s+not\s+None\b|assert(NotNull|\.ok|\.exists)\s*\(/;
const assertion = /\b(expect|assert\w*|should\.|\.should\b|assert_eq!|assert!|require\.\w+|t\.(Error|Errorf|Fatal|Fatalf|Fail))\b/;
const neutralScript = /^\s*"(test|tests|lint|typecheck|type-check|check|ci|verify|test:[\w-]+|lint:[\w-]+)"\s*:\s*"([^"]*)"/;

/** Deleted, skipped, focused or weakened tests, and test/lint scripts turned into no-ops. */
export const testsDiffRule: DiffRule = (files, _context, out) => {
  let removedAssertions = 0;
  let addedAssertions = 0;
  const weakened: { path: string; line: number; net: number }[] = [];
  for (const file of files) {
    const where = { path: file.path, line: firstLine(file) };
    if (file.status === "deleted" && isTestPath(file.path))
      out.violations.push(violation("tests.deleted", `Refused: ${file.path} is a test; tests are fixed, not deleted.`, where));
    if (file.status === "renamed" && file.oldPath && isTestPath(file.oldPath) && !isTestPath(file.path)) {
      out.violations.push(
        violation(
          "tests.deleted",
          `Refused: ${file.oldPath} was renamed to ${file.path}, which the test runner no longer picks up.`,
          where,
        ),
      );
    }
    if (file.path.endsWith("package.json")) {
      for (const l of file.lines.filter((x) => x.kind === "add")) {
        const m = neutralScript.exec(l.text);
        if (m && isNoOp(m[2] as string))
          out.violations.push(
            violation("tests.command-neutralised", `Refused: the "${m[1]}" script becomes "${m[2]}", which cannot fail.`, {
              path: file.path,
              line: l.newLine ?? 1,
            }),
          );
      }
    }
    if (!isTestPath(file.path)) continue;
    for (const { text, line } of newlyAddedLines(files, file)) {
      if (skipMarkers.some((r) => r.test(text)))
        out.violations.push(
          violation(
            "tests.skipped",
            `Refused: ${file.path}:${line} skips a test (${text.trim().slice(0, 60)}); fix the test or the code instead.`,
            { path: file.path, line },
          ),
        );
      if (focusMarkers.test(text))
        out.violations.push(
          violation("tests.focused", `Flagged: ${file.path}:${line} focuses one test, which silently skips the rest.`, {
            path: file.path,
            line,
          }),
        );
      if (trivialAssertions.some((r) => r.test(text)))
        out.violations.push(
          violation(
            "tests.trivial-assertion",
            `Refused: ${file.path}:${line} asserts something that cannot fail (${text.trim().slice(0, 60)}).`,
            { path: file.path, line },
          ),
        );
    }
    const removed = file.lines.filter((l) => l.kind === "del" && assertion.test(l.text)).length;
    const added = file.lines.filter(
      (l) => l.kind === "add" && assertion.test(l.text) && !trivialAssertions.some((r) => r.test(l.text)) && !weakAssertion.test(l.text),
    ).length;
    removedAssertions += removed;
    addedAssertions += added;
    if (removed > added && file.status !== "deleted") weakened.push({ path: file.path, line: firstLine(file), net: removed - added });
  }
  if (removedAssertions > addedAssertions) {
    for (const w of weakened)
      out.violations.push(
        violation(
          "tests.assertions-removed",
          `Flagged: ${w.path} loses ${w.net} assertion(s); a human confirms the tests still check the behaviour.`,
          { path: w.path, line: w.line },
        ),
      );
  }
};

/** A command that succeeds whatever happens. */
export function isNoOp(command: string): boolean {
  const c = command.trim();
  return (
    c === "" ||
    /^(true|:|exit 0|echo\b.*|printf\b.*|node -e ""|node -e ''|exit)$/.test(c) ||
    /\|\|\s*(true|:|exit 0)\s*$/.test(c) ||
    /;\s*(true|exit 0)\s*$/.test(c)
  );
}
