import type { SimpleCommand } from "../shell/simple-command.js";

const downloaders = new Set(["curl", "wget", "aria2c", "axel", "fetch", "iwr"]);
const runners = new Set([
  "sh",
  "bash",
  "zsh",
  "dash",
  "python",
  "python3",
  "node",
  "perl",
  "ruby",
  "php",
  "regsvr32",
  "regsvr32.exe",
  "rundll32",
  "rundll32.exe",
  "msiexec",
  "start",
  "cmd",
  "powershell",
  "pwsh",
  "source",
  ".",
]);

/** Files a download command writes: `curl -o F`, `wget -O F`, `> F`. */
function downloadedFiles(command: SimpleCommand): string[] {
  if (!downloaders.has(command.name)) return [];
  const files: string[] = [];
  command.args.forEach((a, i) => {
    if (["-o", "-O", "--output", "--output-document"].includes(a)) files.push(command.args[i + 1] ?? "");
    else if (a.startsWith("--output=") || a.startsWith("--output-document=")) files.push(a.slice(a.indexOf("=") + 1));
  });
  for (const r of command.redirects) if (r.op === ">" || r.op === ">>") files.push(r.target);
  return files.filter((f) => f !== "" && f !== "-" && f !== "/dev/null").map((f) => f.split("/").pop() ?? f);
}

/**
 * Download-then-run in one line: a file fetched by `curl -o`/`wget -O` that a
 * later command runs (`./file`, `sh file`, `regsvr32 file`, `chmod +x file && ./file`).
 * The same as `curl … | sh`, spread over two commands.
 */
export function runsDownloadedFile(commands: SimpleCommand[]): boolean {
  const fetched = new Set<string>();
  for (const command of commands) {
    const base = command.name.split("/").pop() ?? command.name;
    if (fetched.has(base) && command.name !== "") return true;
    // `rundll32 file.dll,entry` names the file before the comma.
    if (runners.has(command.name) && command.args.some((a) => fetched.has((a.split("/").pop() ?? a).split(",")[0]?.toLowerCase() ?? "")))
      return true;
    for (const f of downloadedFiles(command)) fetched.add(f.toLowerCase());
  }
  return false;
}
