import { commandAliases, commandNames, type CommandName } from "./command-catalog.js";

/** The known command nearest to what was written, and how far it is (edits needed). */
export interface ClosestCommand {
  name: CommandName;
  /** What the nearest spelling was (an alias such as `resume` counts). */
  spelling: string;
  distance: number;
}

const spellings: readonly [string, CommandName][] = [
  ...commandNames.map((name): [string, CommandName] => [name, name]),
  ...Object.entries(commandAliases),
];

/** Ties go to the earlier command in the catalogue, so the answer is stable. */
export function closestCommand(written: string): ClosestCommand {
  // Longer words cannot be near any command; capping keeps a 64 KB word cheap.
  const word = written.toLowerCase().slice(0, 40);
  let best: ClosestCommand = { name: "help", spelling: "help", distance: Infinity };
  for (const [spelling, name] of spellings) {
    const distance = editDistance(word, spelling);
    if (distance < best.distance) best = { name, spelling, distance };
  }
  return best;
}

/** Whether a suggestion is close enough to be worth offering. */
export function isPlausibleTypo(closest: ClosestCommand): boolean {
  return closest.distance <= Math.max(2, Math.floor(closest.spelling.length / 3));
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(rows - 1, cols - 1);
}
