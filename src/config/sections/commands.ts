import { z } from "zod";

/** `commands:` in .github/wave.yml. Owned by the commands layer; every key has a documented default. */
export const commandsSection = z.object({}).strict().prefault({});
