import { z } from "zod";

/** `safety:` in .github/wave.yml. Owned by the safety layer; every key has a documented default. */
export const safetySection = z.object({}).strict().prefault({});
