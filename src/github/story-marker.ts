/** The hidden marker that ties a PR, comment or review to its story, e.g. `<!-- wave:story=42 -->`. */
export function storyMarker(storyId: string): string {
  return `<!-- wave:story=${storyId} -->`;
}

/** The story id in the first marker of `body`, or null. */
export function parseStoryMarker(body: string): string | null {
  const match = /<!-- wave:story=([A-Za-z0-9_.:-]+) -->/.exec(body);
  return match?.[1] ?? null;
}
