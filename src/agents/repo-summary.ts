import type { Workspace } from "../sandbox/runner.js";
import type { RepoFacts } from "./detect-test-command.js";

/** What the planner reads about a repository. */
export interface RepoSummary extends RepoFacts {
  /** The summary as text for the prompt, within the size cap. */
  text: string;
  /** The tree had more files than were listed. */
  treeTruncated: boolean;
}

/** Root files worth reading whole (up to a cap each), in this order. */
export const SUMMARY_FILES = [
  "README.md",
  "README",
  "README.rst",
  "README.txt",
  "CONTRIBUTING.md",
  "AGENTS.md",
  "CLAUDE.md",
  "CONVENTIONS.md",
  ".github/CONTRIBUTING.md",
  "package.json",
  "tsconfig.json",
  "pyproject.toml",
  "setup.cfg",
  "setup.py",
  "requirements.txt",
  "tox.ini",
  "pytest.ini",
  "go.mod",
  "Cargo.toml",
  "Makefile",
  "makefile",
  "GNUmakefile",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "Gemfile",
  "Rakefile",
  "mix.exs",
  ".editorconfig",
] as const;

const MAX_TREE_ENTRIES = 1_500;

/**
 * Builds the repository summary from a workspace: the file tree (without .git,
 * vendored and build folders), then READMEs, conventions and manifests, each
 * cut so the whole stays under `maxChars`.
 */
export async function summarizeRepository(ws: Workspace, maxChars: number): Promise<RepoSummary> {
  const listing = await ws.exec(
    [
      "bash",
      "-lc",
      "find . -type f -not -path './.git/*' -not -path '*/node_modules/*' -not -path '*/.venv/*' -not -path '*/target/*' -not -path '*/dist/*' -not -path '*/__pycache__/*' | sed 's#^\\./##' | LC_ALL=C sort",
    ],
    { timeoutMs: 30_000, outputLimitBytes: 2_000_000 },
  );
  const all = listing.stdout.split("\n").filter((l) => l !== "");
  const tree = all.slice(0, MAX_TREE_ENTRIES);
  const present = new Set(all);
  const files: Record<string, string> = {};
  for (const path of SUMMARY_FILES) {
    if (!present.has(path)) continue;
    try {
      files[path] = (await ws.readFile(path)).toString("utf8");
    } catch {
      // A file that vanished or cannot be read is simply left out of the summary.
    }
  }
  const treeText = tree.join("\n") + (all.length > tree.length ? `\n… and ${all.length - tree.length} more files` : "");
  const treeBudget = Math.floor(maxChars * 0.35);
  let text = `<tree>\n${treeText.length > treeBudget ? `${treeText.slice(0, treeBudget)}\n… (tree cut)` : treeText}\n</tree>\n`;
  const fileNames = Object.keys(files);
  fileNames.forEach((path, i) => {
    const left = maxChars - text.length;
    const share = Math.floor(left / (fileNames.length - i));
    const overhead = path.length * 2 + 40;
    if (share <= overhead + 200) return;
    const content = files[path] ?? "";
    const room = share - overhead;
    const body = content.length > room ? `${content.slice(0, room)}\n… (cut at ${room} of ${content.length} characters)` : content;
    text += `<file path="${path}">\n${body}\n</file>\n`;
  });
  return { tree: all, files, text, treeTruncated: all.length > tree.length };
}
