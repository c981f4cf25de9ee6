import { z } from "zod";

/** `budget:` in .github/wave.yml. Owned by the budget layer; every key has a documented default. */
export const budgetSection = z.object({}).strict().prefault({});
