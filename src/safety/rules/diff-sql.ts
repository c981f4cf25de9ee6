import type { DiffRule } from "./diff-context.js";
import { violation } from "./violation.js";

const sqlDrop =
  /\b(drop\s+(table|database|schema|view|materialized\s+view|column|index|user|role)\b|truncate\s+(table\s+)?[\w".`]+|delete\s+from\s+[\w".`]+\s*;)/i;
const downMarker = /(--|#|\/\/)\s*(\+migrate\s+)?down\b|--\s*rollback|exports\.down|def\s+down\b|async\s+down\s*\(/i;
const upMarker = /(--|#|\/\/)\s*(\+migrate\s+)?up\b|exports\.up|def\s+up\b|async\s+up\s*\(/i;

/** DROP/TRUNCATE added to SQL or migrations, outside their "down" (rollback) half. */
export const sqlDiffRule: DiffRule = (files, _context, out) => {
  for (const file of files) {
    const isSql = /\.sql$/i.test(file.path) || /(^|\/)(migrations?|migrate|db\/migrate)\//i.test(file.path);
    if (!isSql || /(^|[._/-])down([._/-]|$)/i.test(file.path)) continue;
    let down = false;
    for (const l of file.lines) {
      if (l.kind === "del") continue;
      if (downMarker.test(l.text)) down = true;
      else if (upMarker.test(l.text)) down = false;
      if (
        l.kind === "add" &&
        !down &&
        sqlDrop.test(l.text) &&
        !/^\s*(--|#|\/\/)/.test(l.text) &&
        !/\bif\s+exists\b.*\btemp/i.test(l.text)
      ) {
        out.violations.push(
          violation(
            "destructive.sql-drop-in-change",
            `Flagged: ${file.path}:${l.newLine ?? 1} drops or empties data (${l.text.trim().slice(0, 60)}); a human approves destructive migrations.`,
            { path: file.path, line: l.newLine ?? 1 },
          ),
        );
      }
    }
  }
};
