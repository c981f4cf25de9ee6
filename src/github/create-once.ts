import { GitHubAmbiguousWrite } from "./errors.js";

/** How many times a creating write is sent in all when GitHub keeps answering ambiguously. */
const MAX_CREATES = 4;

/**
 * Find-before-create after an ambiguous answer: `create` is sent; when GitHub's answer does not
 * say whether it was saved (`GitHubAmbiguousWrite`), `find` looks for it (by marker, name or
 * stored id) and only when nothing is there is `create` sent again. So a write GitHub applied
 * and then answered 502 exists once.
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      if (!(error instanceof GitHubAmbiguousWrite) || attempt >= MAX_CREATES) throw error;
      const found = await find();
      if (found !== undefined) return found;
    }
  }
}
