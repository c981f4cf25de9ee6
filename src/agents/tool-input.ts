import { z } from "zod";

/** Input of the built-in `bash` tool (bash_20250124). */
export const bashInput = z.union([
  z.object({ command: z.string().min(1, "command is empty"), restart: z.literal(false).optional() }).strict(),
  z.object({ restart: z.literal(true) }).strict(),
]);

/** Input of the built-in text editor (text_editor_20250728); `undo_edit` is not part of this version. */
export const editorInput = z.discriminatedUnion("command", [
  z
    .object({
      command: z.literal("view"),
      path: z.string().min(1),
      view_range: z.tuple([z.number().int().min(1), z.number().int().min(-1)]).optional(),
    })
    .strict(),
  z.object({ command: z.literal("create"), path: z.string().min(1), file_text: z.string() }).strict(),
  z
    .object({
      command: z.literal("str_replace"),
      path: z.string().min(1),
      old_str: z.string().min(1, "old_str is empty"),
      new_str: z.string().optional(),
    })
    .strict(),
  z
    .object({
      command: z.literal("insert"),
      path: z.string().min(1),
      insert_line: z.number().int().min(0),
      // The 2025-07-28 tool calls it insert_text; earlier versions said new_str.
      insert_text: z.string().optional(),
      new_str: z.string().optional(),
    })
    .strict()
    .refine((v) => v.insert_text !== undefined || v.new_str !== undefined, { message: "insert_text is required" }),
]);

export type BashInput = z.infer<typeof bashInput>;
export type EditorInput = z.infer<typeof editorInput>;

/** Zod issues as one line for a tool error. */
export function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 6)
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "input"}: ${i.message}`)
    .join("; ");
}
