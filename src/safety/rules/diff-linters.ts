import type { DiffRule } from "./diff-context.js";
import { newlyAddedLines } from "./diff-context.js";
import { violation } from "./violation.js";

const fileWide =
  /\/\*\s*eslint-disable\s*\*\/|\/\/\s*eslint-disable\s*$|\/\/\s*@ts-nocheck|#\s*pylint:\s*skip-file|#\s*mypy:\s*ignore-errors|#\s*(ruff|flake8):\s*noqa\s*$|#!\[allow\(|\/\*\s*tslint:disable\s*\*\/|\/\/\s*biome-ignore-all|\/\*\s*istanbul ignore file\s*\*\//;
const lineLevel =
  /eslint-disable-(next-)?line|\/\*\s*eslint-disable\s+[\w@/-]|@ts-ignore|@ts-expect-error|#\s*noqa\b|#\s*type:\s*ignore|#\s*pylint:\s*disable|\/\/\s*nolint\b|#\[allow\(|\/\/\s*biome-ignore\b|istanbul ignore|c8 ignore|v8 ignore|NOSONAR|rubocop:disable/;

/** Linters and type checks switched off for a whole file (blocks) or for one line (noted). */
export const lintersDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    for (const { text, line } of newlyAddedLines(files, file)) {
      if (fileWide.test(text))
        out.violations.push(
          violation(
            "ci.lint-disabled",
            `Refused: ${file.path}:${line} turns the linter or type checker off for the whole file (${text.trim().slice(0, 50)}).`,
            { path: file.path, line },
          ),
        );
      else if (lineLevel.test(text))
        out.violations.push(
          violation("ci.lint-suppressed", `Noted: ${file.path}:${line} suppresses a lint or type error on one line.`, {
            path: file.path,
            line,
          }),
        );
    }
  }
};
