import { DEPENDENCY_FILES } from "../../sandbox/setup/ecosystems.js";
import type { DiffRule } from "./diff-context.js";
import { firstLine } from "./diff-context.js";
import { violation } from "./violation.js";

/**
 * A change to what the repository installs: the setup phase re-installs it through the registry
 * egress before verify, so code from a registry enters the workspace on the agent's say-so; a
 * reviewer should see that (noted, low: a manifest changed with its lockfile is ordinary work). Matches the setup phase's own list of dependency files, at any depth.
 */
export const dependenciesDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    const names = [file.newPath, file.oldPath].filter((p): p is string => p !== null).map((p) => p.split("/").at(-1) ?? p);
    if (!names.some((n) => DEPENDENCY_FILES.has(n))) continue;
    out.violations.push(
      violation(
        "dependencies.changed",
        `Noted: ${file.path} changes the dependencies; the setup phase re-installs them from the registries before verify.`,
        {
          path: file.path,
          line: firstLine(file),
        },
      ),
    );
  }
};
