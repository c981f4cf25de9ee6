import { codeDiffRule } from "../rules/diff-code.js";
import type { DiffRule } from "../rules/diff-context.js";
import { dependencySourcesDiffRule } from "../rules/diff-dependency-sources.js";
import { lifecycleDiffRule } from "../rules/diff-lifecycle.js";
import { dependenciesDiffRule } from "../rules/diff-dependencies.js";
import { lintersDiffRule } from "../rules/diff-linters.js";
import { pathsDiffRule, scopeDiffRule } from "../rules/diff-paths.js";
import { scriptsDiffRule } from "../rules/diff-scripts.js";
import { secretsDiffRule } from "../rules/diff-secrets.js";
import { sqlDiffRule } from "../rules/diff-sql.js";
import { testsDiffRule } from "../rules/diff-tests.js";

/** Every rule that reads a change, in the order findings are reported. */
export const diffRules: DiffRule[] = [
  secretsDiffRule,
  pathsDiffRule,
  scopeDiffRule,
  testsDiffRule,
  lintersDiffRule,
  sqlDiffRule,
  scriptsDiffRule,
  lifecycleDiffRule,
  dependencySourcesDiffRule,
  codeDiffRule,
  dependenciesDiffRule,
];
