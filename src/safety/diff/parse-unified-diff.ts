/** One line of a hunk, with its line number on each side. */
export interface DiffLine {
  kind: "add" | "del" | "context";
  text: string;
  oldLine: number | null;
  newLine: number | null;
}

export interface DiffFile {
  /** The path after the change (before it, for deletions). */
  path: string;
  oldPath: string | null;
  newPath: string | null;
  status: "added" | "deleted" | "modified" | "renamed" | "copied";
  oldMode: string | null;
  newMode: string | null;
  binary: boolean;
  lines: DiffLine[];
}

/**
 * Parses a unified diff as `git diff` writes it (also plain `diff -u`):
 * files, renames, copies, deletions, modes, binary markers and every hunk
 * line with its numbers. Hunk lengths from the `@@` header decide where a
 * hunk ends, so a removed line that starts with `-- ` is not a file header.
 */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  const lines = diff.replace(/\r\n/g, "\n").split("\n");
  let file: DiffFile | null = null;
  const start = (oldPath: string | null, newPath: string | null): DiffFile => {
    const f: DiffFile = {
      path: newPath ?? oldPath ?? "",
      oldPath,
      newPath,
      status: "modified",
      oldMode: null,
      newMode: null,
      binary: false,
      lines: [],
    };
    files.push(f);
    return f;
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.startsWith("diff --git ")) {
      const [a, b] = gitHeaderPaths(line.slice(11));
      file = start(a, b);
      i++;
      continue;
    }
    if (line.startsWith("--- ") && (lines[i + 1] ?? "").startsWith("+++ ")) {
      const oldPath = headerPath(line.slice(4));
      const newPath = headerPath((lines[i + 1] as string).slice(4));
      if (
        !file ||
        file.lines.length > 0 ||
        (file.newPath !== null && newPath !== null && file.newPath !== newPath && file.oldPath !== oldPath)
      )
        file = start(oldPath, newPath);
      file.oldPath = oldPath;
      file.newPath = newPath;
      file.path = newPath ?? oldPath ?? file.path;
      if (oldPath === null) file.status = "added";
      if (newPath === null) file.status = "deleted";
      i += 2;
      continue;
    }
    if (file && line.startsWith("@@")) {
      const header = /^@@+ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      i++;
      if (!header) continue;
      let oldLine = Number(header[1]);
      let newLine = Number(header[3]);
      let oldLeft = header[2] === undefined ? 1 : Number(header[2]);
      let newLeft = header[4] === undefined ? 1 : Number(header[4]);
      while (i < lines.length && (oldLeft > 0 || newLeft > 0)) {
        const body = lines[i] as string;
        if (body.startsWith("\\")) {
          i++;
          continue;
        }
        const mark = body[0];
        if (mark === "+") {
          file.lines.push({ kind: "add", text: body.slice(1), oldLine: null, newLine: newLine++ });
          newLeft--;
        } else if (mark === "-") {
          file.lines.push({ kind: "del", text: body.slice(1), oldLine: oldLine++, newLine: null });
          oldLeft--;
        } else if (mark === " " || body === "") {
          file.lines.push({ kind: "context", text: body.slice(1), oldLine: oldLine++, newLine: newLine++ });
          oldLeft--;
          newLeft--;
        } else break;
        i++;
      }
      continue;
    }
    if (file) {
      const meta = /^(new file mode|deleted file mode|old mode|new mode|rename from|rename to|copy from|copy to) (.*)$/.exec(line);
      if (meta) {
        const [, key, value = ""] = meta;
        if (key === "new file mode") {
          file.status = "added";
          file.newMode = value;
          file.oldPath = null;
        } else if (key === "deleted file mode") {
          file.status = "deleted";
          file.oldMode = value;
          file.newPath = null;
          file.path = file.oldPath ?? file.path;
        } else if (key === "old mode") file.oldMode = value;
        else if (key === "new mode") file.newMode = value;
        else if (key === "rename from" || key === "copy from") {
          file.oldPath = unquote(value);
          file.status = key === "rename from" ? "renamed" : "copied";
        } else {
          file.newPath = unquote(value);
          file.path = file.newPath;
        }
      } else if (line.startsWith("Binary files ") || line === "GIT binary patch") file.binary = true;
    }
    i++;
  }
  return files;
}

function unquote(path: string): string {
  return path.startsWith('"') && path.endsWith('"') ? path.slice(1, -1).replace(/\\(.)/g, "$1") : path;
}

function headerPath(raw: string): string | null {
  const path = unquote(raw.replace(/\t.*$/, "").trim());
  if (path === "/dev/null") return null;
  return path.replace(/^[ab]\//, "");
}

function gitHeaderPaths(rest: string): [string, string] {
  const quoted = /^"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"$/.exec(rest);
  if (quoted) return [unquote(`"${quoted[1]}"`).replace(/^a\//, ""), unquote(`"${quoted[2]}"`).replace(/^b\//, "")];
  // `a/x b/x`: split in the middle when both halves name the same path; otherwise at " b/".
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) return [rest.slice(2, half), rest.slice(half + 3)];
  const at = rest.indexOf(" b/");
  return at === -1 ? [rest, rest] : [rest.slice(2, at), rest.slice(at + 3)];
}
