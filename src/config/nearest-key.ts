import { editDistance } from "../commands/closest-command.js";

/**
 * The known key a misspelt one most likely meant, or undefined when none is
 * close: at most a third of the key's length in edits (and at least two), the
 * rule the command parser uses for "did you mean". Ties go to the earlier key.
 */
export function nearestKey(written: string, known: readonly string[]): string | undefined {
  const word = written.toLowerCase().slice(0, 60);
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(word, key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(best.key.length / 3)) ? best.key : undefined;
}
