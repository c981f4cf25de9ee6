import { z } from "zod";

/** `sandbox:` in .github/wave.yml. Owned by the sandbox layer; every key has a documented default. */
export const sandboxSection = z.object({}).strict().prefault({});
