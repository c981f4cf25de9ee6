import type { ChangedFile } from "./runner.js";

/** One line of `git diff --raw -z --no-abbrev`, before contents are attached. */
export interface RawChange {
  status: ChangedFile["status"];
  path: string;
  previousPath?: string;
  mode?: ChangedFile["mode"];
  /** The blob id of the new content; absent for deletions. */
  blob?: string;
}

const FILE_MODES = new Set(["100644", "100755", "120000"]);
const ZERO_OID = /^0+$/;

/**
 * Parses `git diff --raw -z -M --no-abbrev`. Entries that are not files (submodule links)
 * are left out: the patch still carries them, but they have no content to hand over.
 */
export function parseRawDiff(raw: Buffer | string): RawChange[] {
  const fields = splitNul(raw);
  const changes: RawChange[] = [];
  for (let i = 0; i < fields.length;) {
    const header = fields[i++] ?? "";
    const match = /^:(\d{6}) (\d{6}) ([0-9a-f]+) ([0-9a-f]+) ([A-Z])(\d*)$/.exec(header);
    if (!match) throw new Error(`unexpected line in git diff --raw output: ${JSON.stringify(header)}`);
    const [, , newMode = "", , newOid = "", letter] = match;
    const first = fields[i++] ?? "";
    const second = letter === "R" || letter === "C" ? fields[i++] : undefined;
    if (letter === "D") {
      changes.push({ status: "deleted", path: first });
      continue;
    }
    if (!FILE_MODES.has(newMode) || ZERO_OID.test(newOid)) continue;
    const mode = newMode as ChangedFile["mode"];
    if (letter === "R" && second !== undefined) {
      changes.push({ status: "renamed", path: second, previousPath: first, mode, blob: newOid });
    } else if (letter === "A" || letter === "C") {
      changes.push({ status: "added", path: second ?? first, mode, blob: newOid });
    } else {
      // M (content or mode) and T (type change, e.g. file to symlink) are both "modified".
      changes.push({ status: "modified", path: first, mode, blob: newOid });
    }
  }
  return changes;
}

/**
 * The new paths git considers binary, from `git diff --numstat -z -M` (binary files
 * show `-` for added and deleted line counts).
 */
export function binaryPaths(numstat: Buffer | string): Set<string> {
  const fields = splitNul(numstat);
  const binary = new Set<string>();
  for (let i = 0; i < fields.length;) {
    const line = fields[i++] ?? "";
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(line);
    if (!match) throw new Error(`unexpected line in git diff --numstat output: ${JSON.stringify(line)}`);
    const [, added, , inlinePath] = match;
    let path = inlinePath ?? "";
    if (path === "") {
      // A rename: the old and the new path follow as their own fields.
      i += 1;
      path = fields[i++] ?? "";
    }
    if (added === "-") binary.add(path);
  }
  return binary;
}

/**
 * Splits `git cat-file --batch` output into blobs by id, exactly (sizes are in bytes).
 */
export function parseCatFileBatch(output: Buffer): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  let at = 0;
  while (at < output.length) {
    const eol = output.indexOf(0x0a, at);
    if (eol < 0) throw new Error("truncated git cat-file --batch output");
    const header = output.subarray(at, eol).toString("utf8");
    const match = /^([0-9a-f]+) (\w+) (\d+)$/.exec(header);
    if (!match) throw new Error(`unexpected git cat-file --batch header: ${JSON.stringify(header)}`);
    const [, oid = "", , sizeText = "0"] = match;
    const size = Number(sizeText);
    const start = eol + 1;
    if (start + size > output.length) throw new Error("truncated git cat-file --batch output");
    blobs.set(oid, output.subarray(start, start + size));
    at = start + size + 1; // each object is followed by a newline
  }
  return blobs;
}

function splitNul(data: Buffer | string): string[] {
  const text = typeof data === "string" ? data : data.toString("utf8");
  const parts = text.split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}
