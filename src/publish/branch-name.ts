import { WAVE_BRANCH_PREFIX } from "../github/wave-ref.js";

const MAX_SLUG = 40;

/**
 * An ASCII slug of at most 40 characters from an issue title: accents folded,
 * everything else but letters and digits turned into single dashes, cut at a word
 * boundary when one is near. "story" when nothing is left.
 */
export function slugify(title: string, max = MAX_SLUG): string {
  const ascii = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (ascii.length === 0) return "story";
  if (ascii.length <= max) return ascii;
  const cut = ascii.slice(0, max);
  const lastDash = cut.lastIndexOf("-");
  // Prefer ending on a whole word unless that throws away most of the slug.
  const trimmed = lastDash >= max / 2 ? cut.slice(0, lastDash) : cut;
  return trimmed.replace(/-+$/g, "");
}

/** `wave/<issue-number>-<slug>`: deterministic, so a retried publish finds its own branch. */
export function storyBranch(issueNumber: number, title: string): string {
  return `${WAVE_BRANCH_PREFIX}${issueNumber}-${slugify(title)}`;
}
