/**
 * Per file, the new-side line numbers a unified diff shows (added and context
 * lines): the only lines GitHub accepts a RIGHT-side review comment on.
 */
export function diffAnchors(patch: string): Map<string, Set<number>> {
  const anchors = new Map<string, Set<number>>();
  let lines: Set<number> | null = null;
  let next = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.replace(/\r\n/g, "\n").split("\n")) {
    if (oldLeft > 0 || newLeft > 0) {
      // Inside a hunk the header's counts decide, so a removed "--- x" line is not a file header.
      if (line.startsWith("+")) {
        lines?.add(next++);
        newLeft--;
      } else if (line.startsWith("-")) oldLeft--;
      else if (line.startsWith("\\")) continue;
      else {
        lines?.add(next++);
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    if (line.startsWith("+++ ")) {
      const path = line.slice(4).replace(/^b\//, "").replace(/\t.*$/, "");
      lines = path === "/dev/null" ? null : (anchors.get(path) ?? new Set<number>());
      if (lines) anchors.set(path, lines);
      continue;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      next = Number(hunk[2]);
      newLeft = hunk[3] === undefined ? 1 : Number(hunk[3]);
    }
  }
  return anchors;
}
