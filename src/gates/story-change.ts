import type { ChangedFile, WorkspaceChange } from "../sandbox/runner.js";
import type { Pool } from "../store/db.js";

/** The developer's change as stored between gates. */
export interface StoredChange {
  baseSha: string;
  patch: string;
  files: ChangedFile[];
  toolCalls: unknown[];
  /** The PR head somebody else pushed that the change was built from (it holds their commits), or null. */
  builtOnHead?: string | null;
}

interface StoredFile extends Omit<ChangedFile, "content"> {
  content?: string;
}

/** gh-aw's limit for one patch; a change larger than this is not one story's worth of work. */
export const MAX_PATCH_BYTES = 4 * 1024 * 1024;
export const MAX_CHANGED_FILES = 100;

export async function saveChange(
  pool: Pool,
  storyId: string,
  baseSha: string,
  change: WorkspaceChange,
  toolCalls: unknown[],
  builtOnHead: string | null = null,
): Promise<void> {
  const files: StoredFile[] = change.files.map((f) => ({ ...f, content: f.content?.toString("base64") }));
  await pool.query(
    `INSERT INTO story_changes (story_id, base_sha, patch, files, tool_calls, built_on_head) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (story_id) DO UPDATE SET base_sha = EXCLUDED.base_sha, patch = EXCLUDED.patch, files = EXCLUDED.files,
       tool_calls = story_changes.tool_calls || EXCLUDED.tool_calls, built_on_head = EXCLUDED.built_on_head, updated_at = now()`,
    [storyId, baseSha, change.patch, JSON.stringify(files), JSON.stringify(toolCalls), builtOnHead],
  );
}

export async function loadChange(pool: Pool, storyId: string): Promise<StoredChange | null> {
  const res = await pool.query(`SELECT base_sha, patch, files, tool_calls, built_on_head FROM story_changes WHERE story_id = $1`, [
    storyId,
  ]);
  const r = res.rows[0];
  if (!r) return null;
  return {
    baseSha: r.base_sha,
    patch: r.patch,
    files: (r.files as StoredFile[]).map(
      (f) => ({ ...f, content: f.content === undefined ? undefined : Buffer.from(f.content, "base64") }) as ChangedFile,
    ),
    toolCalls: r.tool_calls,
    builtOnHead: r.built_on_head ?? null,
  };
}

/** Why a change is too large to keep, or null. */
export function changeTooLarge(change: WorkspaceChange): string | null {
  const bytes = Buffer.byteLength(change.patch);
  if (bytes > MAX_PATCH_BYTES)
    return `the change is ${(bytes / 1048576).toFixed(1)} MB; WAVE keeps changes of at most ${MAX_PATCH_BYTES / 1048576} MB. Split the story into smaller ones`;
  if (change.files.length > MAX_CHANGED_FILES)
    return `the change touches ${change.files.length} files; WAVE keeps changes of at most ${MAX_CHANGED_FILES}. Split the story into smaller ones`;
  return null;
}
