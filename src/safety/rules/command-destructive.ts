import { classifyPath } from "../paths/classify-path.js";
import { describe, hasFlag, operands } from "./command-context.js";
import type { CommandRule } from "./command-context.js";
import { violation } from "./violation.js";

const deleters = new Set(["rm", "unlink", "rmdir", "shred", "srm", "wipe"]);
const formatters = /^(mkfs(\..+)?|mke2fs|mkswap|mkdosfs|mkntfs|wipefs|fdisk|sfdisk|cfdisk|gdisk|sgdisk|parted|blkdiscard|format)$/;
const databaseClients = new Set([
  "psql",
  "mysql",
  "mariadb",
  "sqlite3",
  "sqlite",
  "sqlcmd",
  "cockroach",
  "clickhouse-client",
  "clickhouse",
  "duckdb",
  "mongosh",
  "mongo",
  "redis-cli",
  "cqlsh",
  "pgcli",
  "mycli",
  "litecli",
  "usql",
]);
const sqlDrop =
  /\b(drop\s+(table|database|schema|view|index|user|role|materialized\s+view|collection)\b|truncate\s+(table\s+)?[\w".`]+|delete\s+from\s+[\w".`]+\s*(;|$)|flushall|flushdb|dropdatabase\s*\(|\.drop\s*\(\s*\))/i;

/** Deletes outside the workspace, formatting disks, writing devices, dropping databases, stopping the machine. */
export const destructiveCommandRule: CommandRule = (command, context, out) => {
  const { name, args } = command;
  const text = describe(command);
  if (deleters.has(name)) {
    const recursive = name === "rmdir" || hasFlag(args, "r", "--recursive") || hasFlag(args, "R");
    for (const target of operands(args, name === "shred" ? ["-n", "-s", "--iterations", "--size"] : [])) {
      const place = classifyPath(target, command.cwd, context.workspaceRoot);
      if (place.kind === "device")
        out.violations.push(
          violation("destructive.device-write", `Refused: ${name} would destroy the device ${place.path}.`, { evidence: text }),
        );
      else if (place.kind === "outside") {
        out.violations.push(
          recursive
            ? violation(
                "destructive.recursive-delete-outside",
                `Refused: recursive delete of ${place.path}, which is outside the workspace.`,
                { evidence: text },
              )
            : violation("destructive.delete-outside", `Refused: deleting ${place.path}, which is outside the workspace.`, {
                evidence: text,
              }),
        );
      } else if (place.kind === "workspace-root" && recursive) {
        out.violations.push(
          violation("destructive.delete-workspace", "Refused: this deletes the whole workspace; delete the specific files instead.", {
            evidence: text,
          }),
        );
      } else if (place.kind === "workspace" && (place.relative === ".git" || place.relative.startsWith(".git/"))) {
        out.violations.push(
          violation("destructive.delete-workspace", "Refused: this deletes the repository's git data.", { evidence: text }),
        );
      } else if (place.kind === "unknown" && recursive) {
        out.uncertainties.push(`recursive delete of ${place.path}, which is only known at run time`);
      }
    }
  }
  if (formatters.test(name))
    out.violations.push(violation("destructive.filesystem-format", `Refused: ${name} formats or repartitions a disk.`, { evidence: text }));
  if (name === "dd") {
    for (const a of args.filter((x) => x.startsWith("of="))) {
      const place = classifyPath(a.slice(3), command.cwd, context.workspaceRoot);
      if (place.kind === "device")
        out.violations.push(violation("destructive.device-write", `Refused: dd writes onto the device ${place.path}.`, { evidence: text }));
    }
  }
  for (const r of command.redirects) {
    if (![">", ">>", "&>", ">|", "&>>", "<>"].includes(r.op)) continue;
    const place = classifyPath(r.target, command.cwd, context.workspaceRoot);
    if (place.kind === "device")
      out.violations.push(
        violation("destructive.device-write", `Refused: output is redirected onto the device ${place.path}.`, { evidence: text }),
      );
  }
  if (name === "dropdb" || name === "dropuser")
    out.violations.push(violation("destructive.sql-drop", `Refused: ${name} deletes a database object.`, { evidence: text }));
  if (databaseClients.has(name) || (name === "prisma" && args.includes("execute"))) {
    const sql = [...args, command.stdin ?? ""].join(" ");
    if (sqlDrop.test(sql))
      out.violations.push(
        violation(
          "destructive.sql-drop",
          `Refused: ${name} would run DROP/TRUNCATE/unbounded DELETE; schema changes go through a reviewed migration.`,
          { evidence: text },
        ),
      );
  }
  if (
    ["shutdown", "reboot", "halt", "poweroff", "killall5"].includes(name) ||
    (name === "init" && ["0", "6"].includes(args[0] ?? "")) ||
    (name === "systemctl" && ["poweroff", "reboot", "halt", "kexec"].includes(args[0] ?? "")) ||
    (name === "kill" && args[args.length - 1] === "-1")
  ) {
    out.violations.push(
      violation("destructive.system-control", `Refused: ${name} stops the machine or every process.`, { evidence: text }),
    );
  }
};
