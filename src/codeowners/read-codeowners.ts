import type { RepoContext } from "../github/client.js";
import { readFileAt } from "../config/read-config-file.js";

/** Where GitHub looks for CODEOWNERS, in its order: the first one found is the one used. */
export const CODEOWNERS_PATHS = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

/** The CODEOWNERS text on `ref` (the pull request's base branch) and where it was, or null when there is none. */
export async function readCodeowners(ctx: RepoContext, ref: string): Promise<{ path: string; text: string } | null> {
  for (const path of CODEOWNERS_PATHS) {
    const text = await readFileAt(ctx, path, ref);
    if (text !== null) return { path, text };
  }
  return null;
}
